// A small DER reader for tests: enough to find a certificate's SubjectPublicKeyInfo, as a client
// that trusts `x5c` would, without an X.509 library in workerd.

interface Element {
  tag: number;
  start: number;
  end: number;
  contentStart: number;
}

function readElement(der: Uint8Array, offset: number): Element {
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let index = 0; index < count; index++) length = length * 256 + der[offset + 2 + index]!;
    contentStart += count;
  }
  return { tag, start: offset, end: contentStart + length, contentStart };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const found: Element[] = [];
  for (let offset = parent.contentStart; offset < parent.end; offset = found[found.length - 1]!.end) {
    found.push(readElement(der, offset));
  }
  return found;
}

/** The DER of an X.509 certificate's SubjectPublicKeyInfo. */
export function certificateSpki(der: Uint8Array): Uint8Array {
  const certificate = readElement(der, 0);
  const tbs = children(der, certificate)[0]!;
  // version [0], serial, signature, issuer, validity, subject, subjectPublicKeyInfo
  const fields = children(der, tbs);
  const spki = fields[fields[0]!.tag === 0xa0 ? 6 : 5]!;
  return der.slice(spki.start, spki.end);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

export function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}
