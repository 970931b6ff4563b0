// A software passkey authenticator for tests, as a browser and its authenticator would answer
// navigator.credentials: an ES256 key made with WebCrypto, the authenticator data and attestation
// object written by hand (a tiny CBOR encoder), a DER signature. Each answer can be bent (another
// origin, another relying party id, a counter set back) to show the service refuses it.

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

function head(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 256) return [(major << 5) | 24, length];
  if (length < 65_536) return [(major << 5) | 25, length >> 8, length & 255];
  throw new Error('too long for this encoder');
}

/** CBOR (RFC 8949) of integers, text, bytes and maps: all a WebAuthn attestation needs. */
function cbor(value: Cbor): number[] {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    return [...head(3, bytes.length), ...bytes];
  }
  if (value instanceof Uint8Array) return [...head(2, value.length), ...value];
  return [...head(5, value.size), ...[...value].flatMap(([key, item]) => [...cbor(key), ...cbor(item)])];
}

export function b64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromB64url(text: string): Uint8Array {
  const normal = text.replaceAll('-', '+').replaceAll('_', '/');
  return Uint8Array.from(atob(normal + '='.repeat((4 - (normal.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** An ECDSA signature from WebCrypto's r‖s to DER, as WebAuthn carries it. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.slice(start);
    const body = trimmed[0]! & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;
/** Backup eligible and backed up: a synced passkey, whose key may leave the device. */
const BE = 0x08;
const BS = 0x10;

export interface Bend {
  origin?: string;
  rpId?: string;
  /** The signature counter to report (default: one more than last time). */
  counter?: number;
  /** Whether the authenticator verified its person (default true). */
  userVerified?: boolean;
}

export interface SoftwarePasskey {
  id: string;
  /** The answer to creation options (navigator.credentials.create), as PublicKeyCredential.toJSON() gives it. */
  register(options: { challenge: string; rp: { id?: string }; user: { id: string } }, bend?: Bend): Promise<string>;
  /** The answer to request options (navigator.credentials.get). */
  signIn(options: { challenge: string; rpId?: string }, bend?: Bend): Promise<string>;
}

/**
 * A new software authenticator holding one passkey for `origin` (its host is the relying party id);
 * `synced`: one that says it is backed up (a phone's synced passkey), not bound to its device.
 */
export async function softwarePasskey(origin: string, { synced = false }: { synced?: boolean } = {}): Promise<SoftwarePasskey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey;
  const credentialId = crypto.getRandomValues(new Uint8Array(16));
  const id = b64url(credentialId);
  let counter = 0;
  let userHandle = '';
  const cose = new Uint8Array(
    cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, fromB64url(jwk.x!)],
        [-3, fromB64url(jwk.y!)],
      ]),
    ),
  );

  async function authenticatorData(rpId: string, flags: number, count: number, attested?: Uint8Array): Promise<Uint8Array> {
    const countBytes = new Uint8Array([count >>> 24, (count >>> 16) & 255, (count >>> 8) & 255, count & 255]);
    return concat(await sha256(new TextEncoder().encode(rpId)), new Uint8Array([flags]), countBytes, attested ?? new Uint8Array());
  }

  function clientData(type: string, challenge: string, bend: Bend): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ type, challenge, origin: bend.origin ?? origin, crossOrigin: false }));
  }

  function flagsOf(bend: Bend, extra = 0): number {
    return UP | (bend.userVerified === false ? 0 : UV) | (synced ? BE | BS : 0) | extra;
  }

  return {
    id,
    async register(options, bend = {}) {
      userHandle = options.user.id;
      const rpId = bend.rpId ?? options.rp.id ?? new URL(origin).hostname;
      const attested = concat(new Uint8Array(16), new Uint8Array([0, credentialId.length]), credentialId, cose);
      const authData = await authenticatorData(rpId, flagsOf(bend, AT), counter, attested);
      const attestationObject = new Uint8Array(
        cbor(
          new Map<Cbor, Cbor>([
            ['fmt', 'none'],
            ['attStmt', new Map()],
            ['authData', authData],
          ]),
        ),
      );
      return JSON.stringify({
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', options.challenge, bend)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      });
    },
    async signIn(options, bend = {}) {
      counter = bend.counter ?? counter + 1;
      const rpId = bend.rpId ?? options.rpId ?? new URL(origin).hostname;
      const authData = await authenticatorData(rpId, flagsOf(bend), counter);
      const data = clientData('webauthn.get', options.challenge, bend);
      const signed = concat(authData, await sha256(data));
      const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, signed));
      return JSON.stringify({
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(data),
          authenticatorData: b64url(authData),
          signature: b64url(derSignature(raw)),
          userHandle,
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      });
    },
  };
}
