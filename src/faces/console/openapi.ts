// The console's routes in /openapi.json (documentation only: the console reads its forms itself and
// answers every problem with a page). A screen answers HTML; an action is a CSRF-checked form that
// answers a 303 back to its screen, or a page (a secret shown once, a refusal).
import { describeRoute, resolver } from 'hono-openapi';
import { z } from 'zod';
import { CSRF_COOKIE } from '../../http/browser-cookies';
import { SECURITY, TAGS } from '../../openapi/describe';

const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' as const } } } });

const DOOR = {
  303: { description: 'Not signed in: to /signin, coming back to the console after' },
  403: html('Not an admin of the console’s ecosystem, or signed in without a second factor; or (a form) the CSRF check failed'),
};

/** A screen of the console: `query` names the query fields it reads. */
export function screen(summary: string, query: string[] = []) {
  return describeRoute({
    tags: [TAGS.console],
    summary,
    security: SECURITY.browser,
    parameters: query.map((name) => ({ in: 'query', name, required: false, schema: { type: 'string' } })) as never,
    responses: { 200: html('The page'), ...DOOR, 404: html('No such record') },
  });
}

/** An action of the console: a form with these fields (besides `csrf`), and what it answers. */
export function action(summary: string, fields: Record<string, string> = {}, answers: 'redirect' | 'page' = 'redirect') {
  const form = z.object({
    csrf: z.string().meta({ description: `The hidden field of the form: the value of the ${CSRF_COOKIE} cookie.` }),
    ...Object.fromEntries(Object.entries(fields).map(([name, description]) => [name, z.string().optional().meta({ description })])),
  });
  return describeRoute({
    tags: [TAGS.console],
    summary,
    security: SECURITY.browser,
    requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: resolver(form) } } },
    parameters: [{ in: 'cookie', name: CSRF_COOKIE, required: true, schema: { type: 'string' } }] as never,
    responses: {
      ...DOOR,
      ...(answers === 'redirect'
        ? { 303: { description: 'Done: back to the screen with a notice (or, not signed in, to /signin)' } }
        : { 200: html('The outcome') }),
      400: html('A field is invalid (the page names it)'),
      404: html('No such record'),
    },
  });
}
