// The loopback origin the gateway forwards to: a tiny node:http server on 127.0.0.1 that answers
// every request with a small body. Runs as a child process (so it does not share the load
// generator's event loop), prints its port, and exits when its parent closes its stdin.
import { createServer } from 'node:http';

const BODY = JSON.stringify({ ok: true, from: 'origin' });

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    response.end(BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
