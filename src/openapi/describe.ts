// The small vocabulary every face's describeRoute() uses: the tags (one per face), the security
// requirements, a JSON response with its schema and example, and a face's error responses, which
// point at the face's one error-body schema in components (registered in document.ts).
import { resolver, type DescribeRouteOptions, type ResponsesWithResolver } from 'hono-openapi';
import type { z } from 'zod';

export const TAGS = {
  droplit: 'Users API (droplit)',
  gatekeeper: 'Gatekeeper',
  userService: 'User Service',
  oauth: 'OAuth/OIDC',
  operator: 'Operator',
  edge: 'Gateway/edge',
  pages: 'Hosted pages',
  console: 'Console',
} as const;

/** Security requirements, by the schemes of document.ts (alternatives: any one of them). */
type Security = Record<string, string[]>[];
export const SECURITY: Record<'none' | 'account' | 'droplit' | 'bearer' | 'introspection' | 'browser', Security> = {
  none: [],
  account: [{ accountToken: [] }],
  droplit: [{ accountToken: [] }, { serverToken: [] }, { droplitRawToken: [] }],
  bearer: [{ bearerAccessToken: [] }],
  introspection: [{ introspectionBasic: [] }],
  browser: [{ browserSession: [] }],
};

/** A JSON response whose body the zod schema describes. */
export function jsonResponse(description: string, schema: z.ZodType, example?: unknown): ResponsesWithResolver[string] {
  return { description, content: { 'application/json': { schema: resolver(schema), ...(example === undefined ? {} : { example }) } } };
}

/** The error responses of a face: each status with the face's error body (a components schema). */
export function errorResponses(component: string, statuses: Record<number, string>): ResponsesWithResolver {
  const schema = { $ref: `#/components/schemas/${component}` };
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [status, { description, content: { 'application/json': { schema } } }]),
  );
}

/** The usual describeRoute() argument: a tag, a summary, who may call, the responses. */
export function operation(
  tag: string,
  summary: string,
  security: Security,
  responses: ResponsesWithResolver,
  description?: string,
): DescribeRouteOptions {
  return { tags: [tag], summary, security, responses, ...(description ? { description } : {}) };
}
