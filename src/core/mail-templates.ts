// Every mail Gatehouse sends, in one place: a subject, a text part and an HTML part built from the
// same words. Links come from PUBLIC_URL, else ISSUER (configuration), never from the request,
// and open the hosted pages (/confirm-email, /reset-password); the API routes take the same codes.
import { minutesInWords } from './durations';
import { ConfigError } from '../config';
import type { Deps } from './deps';

/**
 * Where links in mail point: PUBLIC_URL, else ISSUER. Never the request's Host, which the client
 * chooses: a reset link built from it hands the code to whoever sent the request.
 */
export function mailLinkBase(deps: Deps): string {
  const base = deps.config.publicUrl ?? deps.config.issuer;
  if (!base) throw new ConfigError('PUBLIC_URL', 'or ISSUER must be set: links in mail are built from them, never from the request');
  return base;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Content {
  subject: string;
  paragraphs: string[];
  link?: { href: string; label: string };
  closing?: string;
}

/** Lays out the paragraphs, the link and the closing line as text and as HTML. */
function render(to: string, content: Content): Mail {
  const { subject, paragraphs, link, closing } = content;
  const textParts = [...paragraphs, ...(link ? [link.href] : []), ...(closing ? [closing] : [])];
  const htmlParts = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`, `<p>${escapeHtml(link.href)}</p>`] : []),
    ...(closing ? [`<p>${escapeHtml(closing)}</p>`] : []),
  ];
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
    `<body>${htmlParts.join('')}</body></html>`;
  return { to, subject, text: textParts.join('\n\n'), html };
}

export function confirmationMail(deps: Deps, to: string, code: string): Mail {
  const href = `${mailLinkBase(deps)}/confirm-email?code=${encodeURIComponent(code)}`;
  return render(to, {
    subject: 'Confirm your e-mail address',
    paragraphs: ['Welcome! Confirm your e-mail address by opening this link:'],
    link: { href, label: 'Confirm my address' },
    closing: 'If you did not sign up, ignore this message.',
  });
}

export function resetMail(deps: Deps, to: string, code: string, ttlSeconds: number): Mail {
  const href = `${mailLinkBase(deps)}/reset-password?code=${encodeURIComponent(code)}`;
  return render(to, {
    subject: 'Reset your password',
    paragraphs: [
      `Someone asked to reset the password of this account. To choose a new one, open this link within ${minutesInWords(ttlSeconds)}:`,
    ],
    link: { href, label: 'Choose a new password' },
    closing: 'If it was not you, ignore this message.',
  });
}

/** Tells the owner that the password or e-mail of the account changed (sent to the old address). */
export function accountChangedMail(_deps: Deps, to: string, what: 'password' | 'email'): Mail {
  const thing = what === 'password' ? 'password' : 'e-mail address';
  return render(to, {
    subject: `Your ${thing} was changed`,
    paragraphs: [
      `The ${thing} of your account was just changed, and every other session of the account was ended. ` +
        `If it was not you, reset your password at once.`,
    ],
  });
}

/** Tells the owner that two-step sign-in was turned on or off, or removed by the operator. */
export function secondFactorChangedMail(_deps: Deps, to: string, what: 'on' | 'off' | 'removed'): Mail {
  const said = {
    on: 'Two-step sign-in was turned on for your account: signing in now needs a code from your authenticator app.',
    off: 'Two-step sign-in was turned off for your account: your password alone signs in now.',
    removed: 'The operator removed two-step sign-in and every passkey from your account and ended every session of it.',
  }[what];
  return render(to, {
    subject: what === 'on' ? 'Two-step sign-in is on' : 'Two-step sign-in is off',
    paragraphs: [`${said} If it was not you, reset your password at once.`],
  });
}

/** Tells the owner that a passkey was added to their account or removed from it (by its name). */
export function passkeyChangedMail(_deps: Deps, to: string, what: 'added' | 'removed', name: string): Mail {
  return render(to, {
    subject: what === 'added' ? 'A passkey was added to your account' : 'A passkey was removed from your account',
    paragraphs: [
      what === 'added'
        ? `The passkey "${name}" was added to your account: it signs in without a password now.`
        : `The passkey "${name}" was removed from your account: it no longer signs in.`,
      'If it was not you, reset your password at once.',
    ],
  });
}

/** Tells the owner that repeated failed sign-ins locked the account for a while. */
/** `duration`: how long the lock lasts, in words such as "5 minutes" (or a placeholder the statement fills in). */
export function accountLockedMail(_deps: Deps, to: string, duration: string): Mail {
  return render(to, {
    subject: 'Your account was locked',
    paragraphs: [
      `Several sign-ins with a wrong password were made to your account, so sign-in is paused for ` +
        `${duration}. If it was not you, consider resetting your password.`,
    ],
  });
}

/**
 * Tells the owner of an address that someone tried to register it again (instead of saying so to
 * them), with a link to choose a new password in case it was the owner, who forgot they had one.
 */
export function registrationAttemptMail(deps: Deps, to: string, code: string, ttlSeconds: number): Mail {
  const href = `${mailLinkBase(deps)}/reset-password?code=${encodeURIComponent(code)}`;
  return render(to, {
    subject: 'Someone tried to sign up with your address',
    paragraphs: [
      'Someone tried to create an account with this e-mail address, which already has one. ' +
        `If it was you, sign in, or choose a new password with this link within ${minutesInWords(ttlSeconds)}:`,
    ],
    link: { href, label: 'Choose a new password' },
    closing: 'If it was not you, ignore this message: your account is unchanged.',
  });
}
