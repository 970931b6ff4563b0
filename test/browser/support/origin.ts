// The stub origin behind the gateway and nginx: a node:http server on loopback that answers every
// request with a small, accessible HTML page listing the method, the path and every header it
// received, so a browser test can read the identity headers the origin got (originHeaders()).
// Under /__set-cookie it also sets a `__Host-` cookie (Secure, HttpOnly, SameSite=Lax), so a
// test can show Chromium keeps such cookies on a plain-http loopback address.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface StubOrigin {
  url: string;
  close(): Promise<void>;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

/** The page: `<td data-header="<lower-case name>">` per header (repeated headers joined by ", "). */
export function echoPage(request: IncomingMessage): string {
  const rows: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] ?? '').toLowerCase();
    const value = request.rawHeaders[i + 1] ?? '';
    rows.push(`<tr><th scope="row">${escapeHtml(name)}</th><td data-header="${escapeHtml(name)}">${escapeHtml(value)}</td></tr>`);
  }
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Stub origin</title>
<style>body { font-family: sans-serif; margin: 1rem; } table { border-collapse: collapse; } th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #ccc; } td { word-break: break-all; }</style></head>
<body>
<main>
<h1>Stub origin</h1>
<p>Request: <code id="method">${escapeHtml(request.method ?? '')}</code> <code id="url">${escapeHtml(request.url ?? '')}</code></p>
<table>
<caption>Headers the origin received</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</main>
</body>
</html>
`;
}

export async function startOrigin(host = '127.0.0.1'): Promise<StubOrigin> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const body = echoPage(request);
      const cookie = request.url?.startsWith('/__set-cookie')
        ? { 'set-cookie': '__Host-probe=1; Secure; HttpOnly; Path=/; SameSite=Lax' }
        : {};
      response.writeHead(200, {
        ...cookie,
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
