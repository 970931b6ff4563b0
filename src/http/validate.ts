// Request validation by zod schemas that also document the route in /openapi.json.
//
// THE PATTERN (every face follows it; src/faces/management/admin.ts and src/faces/droplit/routes.ts
// are converted):
//
//   // 1. schemas.ts of the face: each input as a zod schema whose error messages are the face's
//   //    own words (src/http/fields.ts has the shared ones: optionalText(200) says `must be a string`,
//   //    `must be at most 200 characters`); answers as schemas with a component id.
//   export const EcosystemCreate = z.object({ name: optionalText(200) });
//   export const Ecosystem = z.object({ id: z.string(), name: z.string(), createdAt: isoTime() }).meta({ id: 'Ecosystem' });
//
//   // 2. the route: describeRoute() (tag, summary, security, answers, the face's error responses;
//   //    src/openapi/describe.ts), then authentication, then one validate() per part of the request
//   //    in the order the face checked them (param, query, json), then the handler, which reads
//   //    the checked and typed values with c.req.valid(...).
//   admin.post(
//     '/ecosystems',
//     describeRoute(operation(TAGS.operator, 'Create an ecosystem', SECURITY.account, {
//       201: jsonResponse('The ecosystem', Ecosystem),
//       ...errorResponses('ManagementError', { 400: 'A field is invalid' }),
//     })),
//     validate('json', EcosystemCreate, { example: { name: 'my-app' } }),
//     async (c) => {
//       const { name } = c.req.valid('json');
//       ...
//
//   // 3. the face's error schema lives in its schemas.ts (document.ts registers it);
//   //    test/openapi/document.test.ts checks every route is documented.
//
// Decisions (issue 14):
// - hono-openapi + zod 4: it attaches as middleware to the faces' existing Hono sub-apps
//   (describeRoute, resolver, generateSpecs walk `app.routes`), where @hono/zod-openapi would ask
//   for every route to be rewritten as an OpenAPIHono route; zod 4 converts to JSON Schema itself.
// - The library never answers an error. Its own `validator` parses JSON itself (and answers a
//   syntax error in its own words), so this middleware is ours: the body is read by `readBody`
//   exactly as before (content types, JSON syntax, the body limit), then the schema checks the
//   parsed value, and the ONE mapper below turns zod's issues into the AppErrors the hand-written
//   checks threw: INVALID_FIELD with the field's path as `field` and the schema's message as
//   `reason`. Each face's renderer then answers in its dialect, unchanged.
// - A face that reports every problem at once (droplit) passes `toError`; the others get the
//   first problem, as their hand-written checks did.
// - The middleware carries hono-openapi's marker, so the schema lands in the document: a body as
//   the requestBody (required only when the schema refuses an empty body, which reads as {}; with
//   `form`, as application/x-www-form-urlencoded and JSON), query and path schemas as parameters.
import type { Context, MiddlewareHandler } from 'hono';
import { resolver, uniqueSymbol } from 'hono-openapi';
import type { z } from 'zod';
import { type AppError, invalidField } from '../core/errors';
import { readBody } from './body';
import type { AppEnv } from './types';

export type Target = 'json' | 'query' | 'param';

/** One problem zod found, as the faces name it: `access[0].environmentId`, and its words. */
export interface FieldIssue {
  field: string;
  message: string;
  /** For names the schema does not know (a strict object): the names, in request order. */
  unknownKeys?: string[];
}

export interface ValidateOptions {
  /** Accept form-encoded bodies too (the OAuth and User Service routes that did). */
  form?: boolean;
  /** The body's fields over the query string's (the User Service routes that read a field from either). */
  withQuery?: boolean;
  /** A query name given twice is a list (droplit refuses it); by default the first value counts, as `c.req.query`. */
  queryLists?: boolean;
  /** For the document: a body the route accepts (a body's example; zod drops object examples of input schemas). */
  example?: unknown;
  /** For the document: the route also answers without a body (an earlier step handles that request). */
  bodyOptional?: boolean;
  /** Turns the issues into the face's error; by default the first issue as INVALID_FIELD. */
  toError?: (issues: [FieldIssue, ...FieldIssue[]], target: Target) => AppError;
}

/** `['access', 0, 'environmentId']` → `access[0].environmentId`. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name === '' ? String(key) : `${name}.${String(key)}`;
  }, '');
}

/** Whether `field` is `parent` or lies inside it (`access[0].environmentId` inside `access[0]`). */
function within(field: string, parent: string): boolean {
  return parent === '' || field === parent || field.startsWith(`${parent}.`) || field.startsWith(`${parent}[`);
}

/**
 * The one mapper: zod issues → the faces' field issues, in zod's order except that unknown names
 * come before the problems of the fields beside them, as the hand-written checks reported them
 * (zod reports them after the known fields of their object).
 */
export function fieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  const ordered: FieldIssue[] = [];
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    if (issue.code !== 'unrecognized_keys') {
      ordered.push({ field, message: issue.message });
      continue;
    }
    let at = ordered.length;
    while (at > 0 && within(ordered[at - 1]!.field, field)) at -= 1;
    ordered.splice(at, 0, { field, message: issue.message, unknownKeys: issue.keys });
  }
  return ordered;
}

const firstAsInvalidField = ([first]: [FieldIssue, ...FieldIssue[]]): AppError => invalidField(first.field, first.message);

/** The query string as an object: each name's first value, or with `lists` all values when repeated. */
function queryObject(url: string, lists = false): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URL(url).searchParams) {
    const seen = query[name];
    if (seen === undefined) query[name] = value;
    else if (lists) query[name] = [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

async function readTarget(c: Context<AppEnv>, target: Target, options: ValidateOptions): Promise<unknown> {
  if (target === 'json' && options.withQuery) return { ...queryObject(c.req.url), ...(await readBody(c, { form: options.form })) };
  if (target === 'json') return readBody(c, { form: options.form });
  if (target === 'query') return queryObject(c.req.url, options.queryLists);
  return c.req.param();
}

/** What hono-openapi reads from the middleware to document it. */
function documentation(target: Target, schema: z.ZodType, { example, form, withQuery, bodyOptional }: ValidateOptions) {
  if (target !== 'json') return { target, ...resolver(schema) };
  // A body whose fields may come from the query string instead, or that the route can do without, is never required.
  const required = !withQuery && !bodyOptional && !schema.safeParse({}).success;
  const media = { schema: resolver(schema), ...(example === undefined ? {} : { example }) };
  // A route that takes forms documents them first (the RFCs' and the original's type), JSON beside.
  const content = form ? { 'application/x-www-form-urlencoded': media, 'application/json': media } : { 'application/json': media };
  return { spec: { requestBody: { required, content } } };
}

/**
 * Validates one part of the request with `schema`; the handler reads the result with
 * `c.req.valid(target)`, typed by the schema's output.
 */
export function validate<T extends Target, S extends z.ZodType>(
  target: T,
  schema: S,
  options: ValidateOptions = {},
): MiddlewareHandler<AppEnv, string, { out: { [K in T]: z.output<S> } }> {
  const middleware: MiddlewareHandler<AppEnv> = async function validate(c, next) {
    const result = await schema.safeParseAsync(await readTarget(c, target, options));
    if (!result.success) {
      const issues = fieldIssues(result.error.issues) as [FieldIssue, ...FieldIssue[]];
      throw (options.toError ?? firstAsInvalidField)(issues, target);
    }
    c.req.addValidatedData(target, result.data as never);
    await next();
  };
  return Object.assign(middleware, { [uniqueSymbol]: documentation(target, schema, options) });
}

/**
 * Documents one part of the request that a route checks elsewhere (the core, in its own order and
 * words, e.g. /oauth/authorize's page-or-redirect refusals): the schema lands in the document as
 * validate()'s does, and nothing is validated here.
 */
export function documentOnly(target: 'query' | 'param', schema: z.ZodType): MiddlewareHandler<AppEnv> {
  const middleware: MiddlewareHandler<AppEnv> = async function documentOnly(_c, next) {
    await next();
  };
  return Object.assign(middleware, { [uniqueSymbol]: documentation(target, schema, {}) });
}
