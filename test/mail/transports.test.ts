// Each transport receives exactly the queued message: recipient, subject, both parts and the
// link with the code; the webhook's signature verifies; send_email gets a well-formed MIME message.
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config';
import { json, newClient, uniqueEmail } from '../support/driver';
import { mailedCode } from '../user-service/steps';
import { outboxRow, recordingFetch, type RecordedRequest } from './support';

const FROM = 'Gatehouse <no-reply@mail.example>';
const RESEND_KEY = 're_test_key_0123456789';
const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef';

async function registerConfirming(client: ReturnType<typeof newClient>, email = uniqueEmail('mail')) {
  const response = await client.post('/v1/users/register', { body: { email, password: 'correct horse battery' } });
  expect(response.status, await response.clone().text()).toBe(200);
  return email;
}

describe('the resend transport', () => {
  it('POSTs the confirmation mail to the Resend API with the key, after the response, and marks it sent', async () => {
    const http = recordingFetch();
    const client = newClient({
      vars: {
        EMAIL_CONFIRMATION: 'on',
        MAIL_TRANSPORT: 'resend',
        RESEND_API_KEY: RESEND_KEY,
        MAIL_FROM: FROM,
        PUBLIC_URL: 'https://id.example',
      },
      fetch: http.fetch,
    });
    const email = await registerConfirming(client);

    const [request, ...more] = http.to(email);
    expect(more).toEqual([]);
    expect(request!.url).toBe('https://api.resend.com/emails');
    expect(request!.method).toBe('POST');
    expect(request!.headers.get('authorization')).toBe(`Bearer ${RESEND_KEY}`);
    expect(request!.headers.get('content-type')).toBe('application/json');
    const body = JSON.parse(request!.body);
    expect(Object.keys(body).sort()).toEqual(['from', 'html', 'subject', 'text', 'to']);
    expect(body).toMatchObject({ from: FROM, to: email, subject: 'Confirm your e-mail address' });
    const { link, code } = await mailedCode(client, email);
    expect(link).toBe(`https://id.example/confirm-email?code=${code}`);
    expect(body.text).toContain(link);
    expect(body.html).toContain(`<a href="${link}">`);

    const row = await outboxRow(client, email);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(row.sentAt).not.toBeNull();
    expect(row.html).toBe(body.html);
  });

  it('refuses to start without its API key, naming the variable', async () => {
    const client = newClient({ vars: { MAIL_TRANSPORT: 'resend' } });
    const response = await client.get('/v1/users/health');
    expect(response.status).toBe(500);
    expect((await json(response)).error.message).toContain('RESEND_API_KEY');
  });

  it('refuses an unknown transport and a MAIL_FROM without an address, naming the variable', async () => {
    for (const [vars, name] of [
      [{ MAIL_TRANSPORT: 'smtp' }, 'MAIL_TRANSPORT'],
      [{ MAIL_FROM: 'Gatehouse' }, 'MAIL_FROM'],
      [{ MAIL_TRANSPORT: 'webhook', MAIL_WEBHOOK_SECRET: WEBHOOK_SECRET }, 'MAIL_WEBHOOK_URL'],
      [{ MAIL_TRANSPORT: 'webhook', MAIL_WEBHOOK_URL: 'https://hooks.example/mail' }, 'MAIL_WEBHOOK_SECRET'],
    ] as const) {
      const response = await newClient({ vars }).get('/v1/users/health');
      expect(response.status).toBe(500);
      expect((await json(response)).error.message).toContain(name);
    }
  });
});

/** Checks a Standard Webhooks signature with WebCrypto, independently of the Worker's code. */
async function expectStandardSignature(request: RecordedRequest, key: Uint8Array, nowMs: number): Promise<void> {
  const id = request.headers.get('webhook-id')!;
  const timestamp = request.headers.get('webhook-timestamp')!;
  expect(id).toMatch(/^msg_[A-Za-z0-9-]+$/);
  expect(Number(timestamp)).toBe(Math.floor(nowMs / 1000));
  const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(`${id}.${timestamp}.${request.body}`)));
  expect(request.headers.get('webhook-signature')).toBe(`v1,${btoa(String.fromCharCode(...mac))}`);
}

describe('the webhook transport', () => {
  it('POSTs the message as JSON signed per Standard Webhooks (id, timestamp, HMAC-SHA256 of both and the body)', async () => {
    const http = recordingFetch();
    const client = newClient({
      vars: {
        EMAIL_CONFIRMATION: 'on',
        MAIL_TRANSPORT: 'webhook',
        MAIL_WEBHOOK_URL: 'https://hooks.example/mail',
        MAIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
        MAIL_FROM: FROM,
      },
      fetch: http.fetch,
    });
    const email = await registerConfirming(client);

    const [request, ...more] = http.to(email);
    expect(more).toEqual([]);
    expect(request!.url).toBe('https://hooks.example/mail');
    await expectStandardSignature(request!, new TextEncoder().encode(WEBHOOK_SECRET), client.clock.now());
    expect(request!.headers.get('X-Gatehouse-Signature')).toBeNull();
    const body = JSON.parse(request!.body);
    expect(Object.keys(body).sort()).toEqual(['from', 'html', 'subject', 'text', 'to']);
    expect(body).toMatchObject({ to: email, from: FROM, subject: 'Confirm your e-mail address' });
    const { link } = await mailedCode(client, email);
    expect(body.text).toContain(link);
    expect(body.html).toContain(link);
    expect((await outboxRow(client, email)).status).toBe('sent');
  });
});

describe('the webhook transport, against a hostile receiver', () => {
  const webhookVars = (secret: string) => ({
    EMAIL_CONFIRMATION: 'on',
    MAIL_TRANSPORT: 'webhook',
    MAIL_WEBHOOK_URL: 'https://hooks.example/mail',
    MAIL_WEBHOOK_SECRET: secret,
  });

  it('never follows a redirect: a 307 is a failed attempt and nothing reaches the new target', async () => {
    // A fetch that follows redirects as the platform's does, unless told `redirect: 'manual'`.
    const http = recordingFetch((request) =>
      request.url.startsWith('https://hooks.example/')
        ? new Response(null, { status: 307, headers: { Location: 'https://collector.example/steal' } })
        : Response.json({ stolen: true }),
    );
    const following = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const first = await http.fetch(input, init);
      const request = new Request(input, init);
      if (request.redirect === 'manual' || first.status < 300 || first.status >= 400) return first;
      return http.fetch(new Request(first.headers.get('location')!, request));
    }) as typeof fetch;
    const client = newClient({ vars: webhookVars(WEBHOOK_SECRET), fetch: following });
    const email = await registerConfirming(client);
    expect(http.requests.map((request) => request.url)).toEqual(['https://hooks.example/mail']);
    const row = await outboxRow(client, email);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toContain('307');
  });

  it('signs with the bytes of a whsec_ secret, as Standard Webhooks libraries expect', async () => {
    const keyBytes = crypto.getRandomValues(new Uint8Array(24));
    const http = recordingFetch();
    const client = newClient({ vars: webhookVars(`whsec_${btoa(String.fromCharCode(...keyBytes))}`), fetch: http.fetch });
    const email = await registerConfirming(client);
    await expectStandardSignature(http.to(email)[0]!, keyBytes, client.clock.now());
  });
});

describe('the cloudflare transport (send_email binding)', () => {
  it('refuses to start without the SEND_EMAIL binding, naming it', async () => {
    const client = newClient({ vars: { MAIL_TRANSPORT: 'cloudflare' }, wrapEnv: (env) => ({ ...env, SEND_EMAIL: undefined }) });
    const response = await client.get('/v1/users/health');
    expect(response.status).toBe(500);
    expect((await json(response)).error.message).toContain('SEND_EMAIL');
  });

  it('hands the binding a well-formed multipart MIME message', async () => {
    const sent: { from: string; to: string; raw: string }[] = [];
    const wrapEnv = (env: Env): Env => ({
      ...env,
      SEND_EMAIL: {
        async send(message: EmailMessage) {
          const raw = await new Response((message as unknown as Record<string, BodyInit>)['EmailMessage::raw']).text();
          sent.push({ from: message.from, to: message.to, raw });
          return env.SEND_EMAIL!.send(message); // miniflare's binding parses it and checks Message-ID and From
        },
      } as SendEmail,
    });
    const client = newClient({
      vars: { EMAIL_CONFIRMATION: 'on', MAIL_TRANSPORT: 'cloudflare', MAIL_FROM: 'Gätehouse <no-reply@mail.example>' },
      wrapEnv,
    });
    const email = await registerConfirming(client);

    expect(sent).toHaveLength(1);
    const { from, to, raw } = sent[0]!;
    expect(from).toBe('no-reply@mail.example');
    expect(to).toBe(email);
    expect((await outboxRow(client, email)).status).toBe('sent');

    const [head, ...rest] = raw.split('\r\n\r\n');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // CRLF line ends only
    const headers = Object.fromEntries(
      head!
        .replace(/\r\n /g, ' ')
        .split('\r\n')
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
    );
    expect(headers).toMatchObject({
      From: '=?UTF-8?B?R8OkdGVob3VzZQ==?= <no-reply@mail.example>',
      To: `<${email}>`,
      Subject: 'Confirm your e-mail address',
      'MIME-Version': '1.0',
    });
    expect(headers['Message-ID']).toMatch(/^<[^@\s]+@mail\.example>$/);
    expect(new Date(headers.Date!).getTime()).toBe(Math.floor(client.clock.now() / 1000) * 1000);
    const boundary = /^multipart\/alternative; boundary="([^"]+)"$/.exec(headers['Content-Type']!)?.[1];
    expect(boundary).toBeDefined();

    const parts = rest.join('\r\n\r\n').split(`--${boundary}`);
    expect(parts.at(-1)).toBe('--\r\n');
    const decoded = parts.slice(1, -1).map((part) => {
      const [partHead, body] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      for (const line of body!.trim().split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
      const bytes = Uint8Array.from(atob(body!.replace(/\s/g, '')), (c) => c.charCodeAt(0));
      return { head: partHead!, text: new TextDecoder().decode(bytes) };
    });
    expect(decoded.map((part) => part.head)).toEqual([
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64',
      'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64',
    ]);
    const { link } = await mailedCode(client, email);
    expect(decoded[0]!.text).toContain(link);
    expect(decoded[1]!.text).toContain(`<a href="${link}">`);
  });

  it('encodes a non-ASCII subject as RFC 2047 encoded words', async () => {
    const { encodeWords } = await import('../../src/core/mime');
    const subject = 'Bestätigen Sie Ihre E-Mail-Adresse – jetzt, bevor der Link abläuft';
    const encoded = encodeWords(subject);
    const words = encoded.split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(75);
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    }
    const back = words.map((word) => new TextDecoder().decode(Uint8Array.from(atob(word.slice(10, -2)), (c) => c.charCodeAt(0))));
    expect(back.join('')).toBe(subject);
    expect(encodeWords('Plain ASCII')).toBe('Plain ASCII');
  });
});
