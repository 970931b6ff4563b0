// How an upstream sign-in failed (upstream-sign-in.ts, linked-identities.ts): a kind a page can
// put in words, and a detail for the log line only (an error code or class, never a token).

/** What went wrong, in words a page can show (never an upstream's own message or a secret). */
export type UpstreamFailureKind = 'denied' | 'state' | 'upstream' | 'account_exists' | 'disabled' | 'unsupported' | 'linked_elsewhere';

export class UpstreamSignInFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    /** For the log line: what the relying party saw (an error code or class, never a token). */
    readonly detail: string = kind,
    options?: { cause?: unknown },
  ) {
    super(`upstream sign-in failed: ${kind}`, options);
    this.name = 'UpstreamSignInFailure';
  }
}
