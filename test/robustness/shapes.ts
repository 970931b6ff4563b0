// Which face answers a path, and that face's error body, checked exactly: the shared rule is that
// bad input gets a 4xx in the face's own error shape, never a 500.
import { expect } from 'vitest';

export type Face = 'droplit' | 'gatekeeper' | 'userService' | 'oauth' | 'management' | 'page';

/** The face whose renderer answers the (already normalised) path; as src/app.ts decides it. */
export function faceOf(path: string): Face {
  // Hono matches and renders on the path with its valid escapes decoded, as done here.
  const pathname = new URL(path, 'https://gatehouse.test').pathname.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURI(run);
    } catch {
      return run;
    }
  });
  if (/^\/api\/v2(\/|$)/.test(pathname)) return 'gatekeeper';
  if (/^\/api(\/|$)/.test(pathname)) return 'droplit';
  if (/^\/v\d+\/users(\/|$)/.test(pathname)) return 'userService';
  // The browser's OAuth routes answer a person: their errors are pages (src/faces/oauth/errors.ts).
  if (/^\/oauth\/(authorize|logout)\/?$/.test(pathname)) return 'page';
  // The hosted pages (src/faces/pages/index.ts).
  if (/^\/(signin|signup|signout|forgot-password|reset-password|confirm-email|account|device)(\/|$)/.test(pathname)) return 'page';
  // The operator console (src/faces/console): pages too.
  if (/^\/console(\/|$)/.test(pathname)) return 'page';
  if (/^\/oauth(\/|$)/.test(pathname)) return 'oauth';
  return 'management';
}

const text = expect.any(String);

function expectedBody(face: Face, status: number): unknown {
  switch (face) {
    case 'droplit':
      return { errorType: text, errors: expect.any(Array) };
    case 'gatekeeper':
      return { error: { code: status, message: text } };
    case 'userService':
      return { error: text };
    case 'oauth':
      return { error: text, error_description: text };
    case 'management':
      return { error: { code: text, message: text }, requestId: text };
    case 'page':
      return null;
  }
}

/**
 * Asserts the answer to bad input: below 500, and when it is an error, a JSON body in the
 * face's shape. `label` names the request in failure messages. Returns the status.
 */
export async function expectHandled(response: Response, face: Face, label: string): Promise<number> {
  const raw = await response.text();
  const status = response.status;
  expect.soft(status, `${label} -> ${status} ${raw.slice(0, 300)}`).toBeLessThan(500);
  if (status < 400) return status;
  if (face === 'page') {
    // A page, not JSON: an HTML document under the hosted pages' CSP, the error said in an alert, or
    // (a form shown again) under the field it is about, which is marked invalid.
    expect.soft(response.headers.get('content-type'), `${label} -> ${status} must be a page`).toMatch(/^text\/html/);
    expect.soft(response.headers.get('content-security-policy'), `${label} -> ${status} CSP`).toContain("default-src 'none'");
    expect.soft(raw, `${label} -> ${status} says what went wrong`).toMatch(/role="alert"|aria-invalid="true"/);
    return status;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    expect.soft(raw, `${label} -> ${status} must have a JSON body`).toBe('a JSON error body');
    return status;
  }
  expect.soft(body, `${label} -> ${status} in the ${face} error shape`).toEqual(expectedBody(face, status));
  if (face === 'droplit') {
    const errors = (body as { errors?: unknown }).errors;
    const issues = Array.isArray(errors) ? errors : [];
    expect.soft(issues.length, `${label}: droplit errors`).toBeGreaterThan(0);
    for (const issue of issues) expect.soft(issue, label).toEqual({ in: text, path: text, message: text });
  }
  return status;
}

/** As expectHandled, and the request must have been refused (4xx, or one of `statuses`). */
export async function expectRefused(response: Response, face: Face, label: string, statuses?: number[]): Promise<number> {
  const status = await expectHandled(response, face, label);
  if (statuses) expect.soft(statuses, `${label} -> ${status}`).toContain(status);
  else expect.soft(status, `${label} must be refused`).toBeGreaterThanOrEqual(400);
  return status;
}
