// Bench-only Worker: checks one password against a hash made at PASSWORD_HASH, so the bench can
// time the password verification of a login on its own, in workerd, with the service's own code.
//   GET /        nothing (starts the isolate)   GET /hash    makes the stored hash
//   GET /verify  checks the password against it
import { hashPassword, parsePasswordHashSpec, verifyPassword } from '../src/crypto/password';

const PASSWORD = 'correct horse battery staple';
let stored: string | undefined;

export default {
  async fetch(request: Request, env: { PASSWORD_HASH: string }): Promise<Response> {
    const spec = parsePasswordHashSpec(env.PASSWORD_HASH);
    const path = new URL(request.url).pathname;
    if (path === '/hash') stored = await hashPassword(PASSWORD, spec);
    if (path !== '/verify') return new Response('ready');
    if (stored === undefined) return new Response('no hash yet', { status: 409 });
    const check = await verifyPassword(PASSWORD, stored, spec);
    return new Response(check.ok ? 'ok' : 'mismatch', { status: check.ok ? 200 : 500 });
  },
};
