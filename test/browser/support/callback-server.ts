// A relying party's callback endpoint: a tiny HTTP server on 127.0.0.1 that answers every request
// with a small page and keeps each request's URL (and a POST's form), so a test reads what the
// browser brought back (the authorization response in the query or, with response_mode=form_post,
// in the form; the post-logout redirect) as the application would.
import { createServer, type Server } from 'node:http';

export interface CallbackServer {
  /** `http://127.0.0.1:<port>`: register `${url}/callback` and the like as redirect URIs. */
  url: string;
  /** Every request received, oldest first, as absolute URLs on `url`. */
  readonly received: URL[];
  /** The newest request received on `path`; throws when there is none. */
  last(path: string): URL;
  /** The form of the newest POST received on `path`; throws when there is none. */
  lastForm(path: string): URLSearchParams;
  close(): Promise<void>;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Relying party</title></head>
<body><main><h1>Relying party</h1></main></body></html>
`;

export async function startCallbackServer(host = '127.0.0.1'): Promise<CallbackServer> {
  const received: URL[] = [];
  const forms: { path: string; form: URLSearchParams }[] = [];
  let base = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', base);
    received.push(url);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST') forms.push({ path: url.pathname, form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) });
      // No favicon or other noise: only the page, uncached.
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(PAGE),
        'cache-control': 'no-store',
      });
      response.end(PAGE);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  base = `http://${host}:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: base,
    received,
    last(path) {
      const found = received.findLast((url) => url.pathname === path);
      if (!found) throw new Error(`the callback server received nothing on ${path} (${received.length} request(s) in all)`);
      return found;
    },
    lastForm(path) {
      const found = forms.findLast((entry) => entry.path === path);
      if (!found) throw new Error(`the callback server received no form on ${path}`);
      return found.form;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
