// The mail Gatehouse queued (MAIL_TRANSPORT=log keeps it in the outbox), read like an operator
// through GET /admin/v1/outbox?to=..., newest first; and the links in it.
import { admin, gatehouse } from './context.ts';

export interface Mail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  status: string;
  createdAt: string;
}

/** Every message to `to`, newest first. */
export async function outbox(to: string): Promise<Mail[]> {
  const { items } = await admin<{ items: Mail[] }>(`/outbox?to=${encodeURIComponent(to)}`);
  return items;
}

/** The newest message to `to` (optionally whose subject matches); throws when there is none. */
export async function latestMail(to: string, subject?: RegExp): Promise<Mail> {
  const mail = (await outbox(to)).find((item) => !subject || subject.test(item.subject));
  if (!mail) throw new Error(`no mail to ${to}${subject ? ` with a subject matching ${subject}` : ''} in the outbox`);
  return mail;
}

/** Every absolute http(s) link in a message's text. */
export function linksIn(mail: Mail): string[] {
  return [...mail.text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((match) => match[0]);
}

/**
 * The link in the newest mail to `to` whose path matches `path` (a string the path must start
 * with, or a RegExp tested on the path and query), on the Worker's own origin: the confirmation link is
 * mailLink(email, '/v1/users/activate') today, the reset link mailLink(email, '/v1/users/resetPassword').
 * Pass `subject` to skip newer mail of another kind. Mail is written after the answer (the routes
 * that mail defer it so the answer cannot tell known from unknown addresses), so this looks again
 * for up to `waitMs` before it gives up, as a person waiting for the mail would.
 */
export async function mailLink(to: string, path: string | RegExp, subject?: RegExp, waitMs = 10_000): Promise<string> {
  const matches = (link: string) => {
    const url = new URL(link);
    return (
      url.origin === new URL(gatehouse().url).origin &&
      (typeof path === 'string' ? url.pathname.startsWith(path) : path.test(url.pathname + url.search))
    );
  };
  const deadline = Date.now() + waitMs;
  for (;;) {
    const mails = (await outbox(to)).filter((item) => !subject || subject.test(item.subject));
    for (const mail of mails) {
      const link = linksIn(mail).find(matches);
      if (link) return link;
    }
    if (Date.now() >= deadline) {
      throw new Error(`no mail to ${to} holds a link to ${path} on ${gatehouse().url} (${mails.length} message(s) looked at)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
