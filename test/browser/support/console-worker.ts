// A Worker of its own for the console's browser tests: its mail goes to a sink on 127.0.0.1 that
// the test tells to refuse or accept (MAIL_TRANSPORT=webhook, one attempt), so the outbox holds a
// failed message to retry; and its own D1, so the console's lists hold only the test's records.
import { createServer, type Server } from 'node:http';
import { freePort } from './ports.ts';
import { startOwnWorker } from './site-worker.ts';

const HOST = '127.0.0.1';

export interface MailSink {
  url: string;
  /** The status the sink answers with (500 refuses the mail, 200 accepts it). */
  status: number;
  /** The recipients of every message posted to it, oldest first. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const received: string[] = [];
  const sink = { status: 500, received } as MailSink;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      try {
        received.push((JSON.parse(body) as { to: string }).to);
      } catch {
        received.push('(unreadable)');
      }
      response.writeHead(sink.status, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const address = server.address();
  sink.url = `http://${HOST}:${typeof address === 'object' && address ? address.port : 0}/mail`;
  sink.close = () => new Promise((resolve) => server.close(() => resolve()));
  return sink;
}

export interface ConsoleWorker {
  url: string;
  sink: MailSink;
  /** A call to its operator API with its account token; throws on a non-2xx answer. */
  admin<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  stop(): Promise<void>;
}

export async function startConsoleWorker(): Promise<ConsoleWorker> {
  const sink = await startMailSink();
  const url = `http://${HOST}:${await freePort(HOST)}`;
  const vars = {
    MAIL_TRANSPORT: 'webhook',
    MAIL_WEBHOOK_URL: sink.url,
    MAIL_WEBHOOK_SECRET: 'console-test-webhook-secret-0123456789',
    MAIL_MAX_ATTEMPTS: '1',
  };
  const worker = await startOwnWorker(url, vars, 'console').catch(async (error: unknown) => {
    await sink.close();
    throw error;
  });
  return {
    url,
    sink,
    async admin<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
      const response = await fetch(`${url}/admin/v1${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          authorization: `Bearer ${worker.accountToken}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${init.method ?? 'GET'} /admin/v1${path}: ${response.status} ${text}`);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
    async stop() {
      await worker.stop();
      await sink.close();
    },
  };
}
