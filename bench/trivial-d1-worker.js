// Bench-only Worker: the floor with a database. Answers every request after one trivial D1 query
// (`select 1`), so bench:soak-floor can show what the local D1 alone costs workerd's memory, with
// none of Gatehouse's code.
export default {
  async fetch(_request, env) {
    const row = await env.DB.prepare('select 1 as ok').first();
    return new Response(JSON.stringify(row), { headers: { 'content-type': 'application/json' } });
  },
};
