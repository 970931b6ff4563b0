// Bench-only Worker: the floor. Answers every request with a constant, so the bench can quote each
// Gatehouse route as a ratio to what any Worker's request costs on the same workerd.
export default {
  fetch() {
    return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
  },
};
