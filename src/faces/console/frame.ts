// The console's frame: the page kit's layout, wide for tables, with the console's navigation (the
// current section marked) and a sign-out form; and the small pieces every screen shares (times,
// notices, a button that posts one action).
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AppEnv } from '../../http/types';
import { csrfField } from '../../web/csrf';
import { renderPage, signedInName, type PageOptions } from '../../web/layout';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const SECTIONS = [
  { path: '/console', name: 'Overview' },
  { path: '/console/users', name: 'Users' },
  { path: '/console/ecosystems', name: 'Ecosystems' },
  { path: '/console/clients', name: 'OAuth clients' },
  { path: '/console/identity-providers', name: 'Identity providers' },
  { path: '/console/webhooks', name: 'Webhooks' },
  { path: '/console/outbox', name: 'Mail outbox' },
  { path: '/console/events', name: 'Events' },
  { path: '/console/health', name: 'Health' },
  { path: '/console/configuration', name: 'Configuration' },
] as const;

export type Section = (typeof SECTIONS)[number]['path'];

function navigation(c: Context<AppEnv>, section: Section) {
  const admin = c.get('consoleAdmin');
  return html`<nav aria-label="Console"><ul>${SECTIONS.map(
    (item) => html`<li><a href="${item.path}"${item.path === section ? html` aria-current="page"` : ''}>${item.name}</a></li>`,
  )}</ul>
${admin ? html`<form method="post" action="/signout" class="inline">${csrfField(c)}<input type="hidden" name="return" value="/signin"><span>Signed in as <strong>${signedInName(admin.user)}</strong></span> <button type="submit" class="secondary">Sign out</button></form>` : ''}</nav>`;
}

export interface ConsolePage {
  title: string;
  section: Section;
  body: Html;
  status?: PageOptions['status'];
}

/** A console page: the layout, wide, with the navigation. */
export function consolePage(c: Context<AppEnv>, page: ConsolePage) {
  return renderPage(c, { title: page.title, body: page.body, status: page.status, wide: true, nav: navigation(c, page.section) });
}

/** A time for a table: machine-readable, shown to the minute in UTC. */
export function when(ms: number | null | undefined) {
  if (ms === null || ms === undefined) return html`—`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

/** The notice a redirect after an action asks for (`?done=`), from the screen's own words. */
export function notice(c: Context<AppEnv>, notices: Record<string, string>) {
  const text = notices[c.req.query('done') ?? ''];
  return text ? html`<p class="notice" role="status">${text}</p>` : '';
}

/**
 * A form of one button posting an action (with the CSRF field and hidden fields); `label` is the
 * button's accessible name when its text alone would be ambiguous in a table.
 */
export function actionButton(
  c: Context<AppEnv>,
  action: string,
  text: string,
  options: { fields?: Record<string, string>; label?: string; primary?: boolean } = {},
) {
  const hidden = Object.entries(options.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form method="post" action="${action}">${csrfField(c)}${hidden}<button type="submit"${options.primary ? '' : html` class="secondary"`}${options.label ? html` aria-label="${options.label}"` : ''}>${text}</button></form>`;
}
