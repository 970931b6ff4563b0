// Bench-only Worker: the floor with a subrequest. Answers every request with the loopback origin's
// answer (ORIGIN), so bench:soak-floor can show what outbound fetches alone cost workerd's memory,
// with none of Gatehouse's code.
export default {
  async fetch(_request, env) {
    const answer = await fetch(env.ORIGIN);
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': 'application/json' } });
  },
};
