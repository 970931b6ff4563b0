// The client address that per-client limits key on. Cloudflare sets CF-Connecting-IP (a client
// cannot); an IPv6 client is keyed by its /64, since one host is routinely given a whole /64 and
// could otherwise take a fresh address for every guess.
const IPV6_PREFIX_HEXTETS = 4;

/** The key of a client address: an IPv4 address as is, an IPv6 address as its /64. */
export function clientKeyOf(address: string | null | undefined): string {
  const value = address?.trim();
  if (!value) return 'unknown';
  if (!value.includes(':')) return value;
  const hextets = expandIpv6(value.split('%')[0]!);
  return hextets ? `${hextets.slice(0, IPV6_PREFIX_HEXTETS).join(':')}::/64` : value.toLowerCase();
}

/** The eight hextets of an IPv6 address, or null when it is not one. */
function expandIpv6(address: string): string[] | null {
  const halves = address.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const part = (text: string) => (text === '' ? [] : text.split(':'));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two hextets.
  const last = tail.length ? tail : head;
  if (last.length && last[last.length - 1]!.includes('.')) last.splice(-1, 1, '0', '0');
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const hextets = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!hextets.every((h) => /^[0-9a-f]{1,4}$/.test(h))) return null;
  return hextets.map((h) => h.replace(/^0+(?=.)/, ''));
}
