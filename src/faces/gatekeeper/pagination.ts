// The original's paging headers: `Record-Count` (all users) and an RFC 8288 `Link` with first,
// last and, where they exist, prev and next pages. As in the original, `offset` counts pages;
// the pages run over the user-number slots (see pageUsersByNumber), `slots` of them in all.
import type { NumberedPage } from '../../core/user-listing';

export function pageHeaders(baseUrl: string, page: NumberedPage, total: number, slots: number): Record<string, string> {
  const lastIndex = Math.max(Math.ceil(slots / page.size) - 1, 0);
  const link = (index: number, rel: string) => `<${baseUrl}?offset=${index}&limit=${page.size}>; rel="${rel}"`;
  const links: string[] = [];
  if (page.index > 0) links.push(link(Math.min(page.index - 1, lastIndex), 'prev'));
  if ((page.index + 1) * page.size < slots) links.push(link(page.index + 1, 'next'));
  links.push(link(0, 'first'), link(lastIndex, 'last'));
  return { 'Record-Count': String(total), Link: links.join(', ') };
}
