// The transports a message leaves by, chosen by MAIL_TRANSPORT. Each either resolves (the
// message was accepted) or throws a SendFailure whose message is safe to store on the outbox row:
// a status, a timeout or an error's name, never the body, the API key or the webhook secret.
// No transport follows a redirect: a 3xx is a failed attempt, so a message (a live reset link)
// never goes to a target other than the configured one.
import { EmailMessage } from 'cloudflare:email';
import type { Deps } from './deps';
import { buildMime, type MimeMessage } from './mime';
import { signedHeaders } from './standard-webhooks';

export { webhookKey } from './standard-webhooks';

type OutgoingMail = MimeMessage;

export class SendFailure extends Error {
  constructor(reason: string) {
    super(reason.slice(0, 300));
    this.name = 'SendFailure';
  }
}

const RESEND_URL = 'https://api.resend.com/emails';

function masked(text: string): string {
  return text.replace(/code=[^\s&"<]+/g, 'code=…');
}

/** POSTs JSON with the send timeout; any answer but 2xx is a failure naming its status. */
async function postJson(deps: Deps, service: string, url: string, body: string, headers: Record<string, string>): Promise<void> {
  const seconds = deps.config.mail.sendTimeoutSeconds;
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      // A 3xx comes back as it is, and fails below: the body must not follow it anywhere.
      redirect: 'manual',
      signal: AbortSignal.timeout(seconds * 1000),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (name === 'TimeoutError' || name === 'AbortError') throw new SendFailure(`${service}: no answer within ${seconds} s`);
    throw new SendFailure(`${service}: request failed (${name})`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new SendFailure(`${service}: answered HTTP ${response.status}`);
}

function sendWithResend(deps: Deps, mail: OutgoingMail): Promise<void> {
  const body = JSON.stringify({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  // The outbox id as idempotency key: Resend drops a repeat of an attempt it already accepted.
  return postJson(deps, 'resend', RESEND_URL, body, {
    authorization: `Bearer ${deps.config.mail.resendApiKey}`,
    'idempotency-key': `gatehouse-${mail.id}`,
  });
}

/** Signed per Standard Webhooks (standard-webhooks.ts); the outbox id is the message id, the same on every retry. */
function sendToWebhook(deps: Deps, mail: OutgoingMail): Promise<void> {
  const { webhookUrl, webhookSecret } = deps.config.mail;
  const body = JSON.stringify({ to: mail.to, from: mail.from, subject: mail.subject, text: mail.text, html: mail.html });
  return postJson(deps, 'webhook', webhookUrl!, body, signedHeaders(webhookSecret!, `msg_${mail.id}`, deps.now(), body));
}

async function sendWithBinding(deps: Deps, mail: OutgoingMail): Promise<void> {
  if (!deps.sendEmail) throw new SendFailure('send_email: binding SEND_EMAIL is missing');
  const message = new EmailMessage(mail.fromAddress, mail.to, buildMime(mail));
  try {
    await deps.sendEmail.send(message);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SendFailure(`send_email: ${masked(reason)}`);
  }
}

/** Hands one message to the configured transport. */
export async function transmit(deps: Deps, mail: OutgoingMail): Promise<void> {
  switch (deps.config.mail.transport) {
    case 'log':
      // Codes masked: the full text is read from the outbox (GET /admin/v1/outbox), never from logs.
      deps.log.info('mail', { to: mail.to, subject: mail.subject, text: masked(mail.text) });
      return;
    case 'resend':
      return sendWithResend(deps, mail);
    case 'webhook':
      return sendToWebhook(deps, mail);
    case 'cloudflare':
      return sendWithBinding(deps, mail);
  }
}
