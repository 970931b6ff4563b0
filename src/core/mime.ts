// A well-formed RFC 5322 / MIME message for the send_email binding: multipart/alternative with a
// text and an HTML part (UTF-8, base64 with 76-character lines), RFC 2047 encoded words for
// non-ASCII header text, CRLF line ends. Kept by hand (2026-12): mimetext, the maintained builder
// Cloudflare's send_email examples use, would bring @babel/runtime-corejs3, mime-types (with
// mime-db) and js-base64 into the Worker, import node:os, and draw boundaries and Message-IDs from
// Math.random, for the one shape sent here (text + HTML alternatives).
import { utf8 } from '../crypto/encoding';

export interface MimeMessage {
  /** MAIL_FROM as configured: "Name <address>" or a bare address. */
  from: string;
  fromAddress: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Unique per message; becomes the Message-ID's left part. */
  id: string;
  date: number;
}

const CRLF = '\r\n';

function paddedBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const isPlainAscii = (text: string) => /^[\x20-\x7e]*$/.test(text);

/** RFC 2047 "B" encoded words of at most 75 characters each, never splitting a character. */
export function encodeWords(text: string): string {
  if (isPlainAscii(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (utf8.encode(chunk + char).length > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${paddedBase64(utf8.encode(word))}?=`).join(`${CRLF} `);
}

function mailbox(from: string, address: string): string {
  const name = from
    .slice(0, Math.max(0, from.lastIndexOf('<')))
    .trim()
    .replace(/^"(.*)"$/, '$1');
  if (!name) return `<${address}>`;
  const shown = isPlainAscii(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodeWords(name);
  return `${shown} <${address}>`;
}

function base64Body(text: string): string {
  return (paddedBase64(utf8.encode(text.replace(/\r?\n/g, CRLF))).match(/.{1,76}/g) ?? []).join(CRLF);
}

function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

export function buildMime(message: MimeMessage): string {
  const domain = message.fromAddress.slice(message.fromAddress.lastIndexOf('@') + 1);
  const boundary = `gatehouse-${message.id.replace(/[^A-Za-z0-9]/g, '')}`;
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Body(body)].join(CRLF);
  return [
    `From: ${mailbox(message.from, message.fromAddress)}`,
    `To: <${message.to}>`,
    `Subject: ${encodeWords(message.subject)}`,
    `Message-ID: <${message.id}@${domain}>`,
    `Date: ${rfc5322Date(message.date)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    part('text/plain', message.text),
    part('text/html', message.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}
