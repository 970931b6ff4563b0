// Reading a hosted form and showing what the core refused, next to the field it is about.
import type { Context } from 'hono';
import { AppError } from '../core/errors';
import type { AppEnv } from '../http/types';

export type Form = Record<string, unknown>;

/**
 * The form's fields. A body that is not a form (or not one a parser takes) reads as no fields: every
 * form then fails its CSRF check or names its missing field, a 4xx page like any bad form.
 */
export async function readForm(c: Context<AppEnv>): Promise<Form> {
  return (await c.req.parseBody().catch(() => ({}))) as Form;
}

/** A text field as typed, cut one past `max` so an over-long value is still refused as such. */
export function formText(form: Form, name: string, max: number): string {
  const value = form[name];
  return typeof value === 'string' ? value.slice(0, max + 1) : '';
}

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The core's refusal of one of the form's fields, in words for a person: the field's label and
 * the core's reason ("Password must be at least 8 characters."). Null when the error is about no
 * field of this form (the caller rethrows it to the page's error renderer).
 */
export function fieldErrorOf(error: unknown, labels: Record<string, string>): FieldError | null {
  if (!(error instanceof AppError)) return null;
  const field = error.detail.field;
  if (!field || !(field in labels)) return null;
  switch (error.code) {
    case 'INVALID_EMAIL':
      return { field, message: 'Enter a valid e-mail address, such as name@example.com.' };
    case 'EMAIL_TAKEN':
      return { field, message: 'This e-mail address is already registered. Sign in, or reset your password.' };
    default:
      return {
        field,
        message: error.detail.reason ? `${labels[field]} ${error.detail.reason}.` : `Check the ${labels[field]!.toLowerCase()}.`,
      };
  }
}
