// Flags every operator command takes, and the parse of a few argument shapes.
import { usageError } from '../io';

export const common = {
  url: { type: 'string', valueHint: 'url', description: 'The deployment (default: GATEHOUSE_URL, else "url" in the config file)' },
  json: { type: 'boolean', default: false, description: 'Print JSON (for scripts) instead of a table' },
} as const;

/** A whole number flag within bounds, or exit 2 naming the flag. */
export function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw usageError(`--${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

export const path = (segment: string) => encodeURIComponent(segment);
