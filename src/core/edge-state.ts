// The isolate's memory: verified tokens (keyed by a SHA-256 of the token, never the token) and
// recently read KV values with the time they were read. A value is trusted for
// EDGE_RECHECK_SECONDS, then read again, so a revocation made in another isolate takes effect
// within that recheck time plus KV's own propagation (about a minute). A revocation made in this
// isolate is written here too and takes effect at once.
export interface CachedValue {
  value: string | null;
  readAt: number;
}

export interface CachedToken<T> {
  identity: T;
  /** ms; until then the revocation verdict stands without looking again (see `revocations`). */
  checkedUntil: number;
  /** The isolate's revocation count when the verdict was reached. */
  revocations: number;
}

const MAX_ENTRIES = 20_000;

export class EdgeState<T = unknown> {
  readonly tokens = new Map<string, CachedToken<T>>();
  readonly values = new Map<string, CachedValue>();
  /** ms of the last KV write of each sliding token's use, so busy tokens write rarely. */
  readonly slidingWrites = new Map<string, number>();
  /** ms of the last use of each sliding token seen here, written to KV or not. */
  readonly slidingUses = new Map<string, number>();
  /** Signed gateway assertions by identity and origin, reused until shortly before they expire. */
  readonly assertions = new Map<string, { token: Promise<string>; reuseUntil: number }>();
  /** The highest token epoch seen per user (read from KV or made here): a stale KV read cannot lower it. */
  readonly epochs = new Map<string, number>();
  /** Revocations made in this isolate; any of them voids every cached verdict at once. */
  revocations = 0;

  rememberToken(hash: string, entry: CachedToken<T>): void {
    if (this.tokens.size >= MAX_ENTRIES) this.tokens.clear();
    this.tokens.set(hash, entry);
  }

  /** A sliding token's use here, and whether it was written to KV. */
  rememberSlidingUse(sessionId: string, usedAt: number, written: boolean): void {
    if (this.slidingUses.size >= MAX_ENTRIES) {
      this.slidingUses.clear();
      this.slidingWrites.clear();
    }
    this.slidingUses.set(sessionId, usedAt);
    if (written) this.slidingWrites.set(sessionId, usedAt);
  }

  /** Records a revocation made here: its value, and the end of every cached verdict. */
  rememberRevocation(key: string, value: string, at: number): void {
    this.revocations += 1;
    this.rememberValue(key, value, at);
  }

  /** Records a user's token epoch, keeping the highest one seen. */
  rememberEpoch(userId: string, epoch: number): number {
    const highest = Math.max(epoch, this.epochs.get(userId) ?? 0);
    if (this.epochs.size >= MAX_ENTRIES) this.epochs.clear();
    this.epochs.set(userId, highest);
    return highest;
  }

  rememberValue(key: string, value: string | null, readAt: number): void {
    if (this.values.size >= MAX_ENTRIES) this.values.clear();
    this.values.set(key, { value, readAt });
  }

  /** A cached KV value still within its recheck time, or undefined when it must be read again. */
  freshValue(key: string, now: number, recheckMs: number): CachedValue | undefined {
    const entry = this.values.get(key);
    return entry && now - entry.readAt < recheckMs ? entry : undefined;
  }
}
