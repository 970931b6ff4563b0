// Every KV key Gatehouse writes, in one place. KV is an edge cache of revocations and the home
// of sliding-token last-use times; D1 stays the source of truth for anything that must not be
// lost or raced, and nothing here needs compare-and-set.
//
//   epoch:<userId>     the user's token epoch; every token whose `gen` is below it is dead (no TTL).
//                      An isolate keeps the highest epoch it has seen, so a stale read cannot lower it.
//   cepoch:<clientId>  an OAuth client's token epoch; every machine token whose `cgen` is below it is
//                      dead (TTL: an access token's lifetime, the longest a machine token lives)
//   rev:<sessionId>    "1"; every token carrying this sid is dead (TTL: the longest such token can live)
//   slide:<sessionId>  ms time of a SlidingTtl token's last recorded use (TTL: a little over its ttl)
//   grants:<userId>    JSON array of the environment ids the user may reach (TTL: a day; then D1 is read)
//   upkeep:report      JSON of the last Cron upkeep: when it ran, whether it finished, the backlog it
//                      left (no TTL; rewritten every run). GET /healthz shows it, and reading it
//                      proves KV answers.

const KV_MIN_TTL_SECONDS = 60;

export const kvKeys = {
  tokenEpoch: (userId: string) => `epoch:${userId}`,
  revokedSession: (sessionId: string) => `rev:${sessionId}`,
  clientEpoch: (clientId: string) => `cepoch:${clientId}`,
  slidingLastUse: (sessionId: string) => `slide:${sessionId}`,
  grants: (userId: string) => `grants:${userId}`,
  upkeepReport: 'upkeep:report',
};

/** KV refuses TTLs under 60 s; anything shorter is raised to that floor. */
export function kvTtl(seconds: number): number {
  return Math.max(KV_MIN_TTL_SECONDS, Math.ceil(seconds));
}
