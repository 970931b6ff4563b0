// An example Worker protected by Gatehouse: `/` is public, everything under `/me` needs a
// Gatehouse access or user token (`Authorization: Bearer <token>`), checked through the
// GATEHOUSE service binding. In your own Worker, import from '@gatehouse/client'.
import { Hono } from 'hono';
import { gatehouseAuth, type GatehouseVariables } from '../../../client/src/index.ts';

export interface Env {
  /** A service binding to the Gatehouse Worker (wrangler.toml `[[services]]`). */
  GATEHOUSE: Fetcher;
  /** Gatehouse's public URL (its issuer when its ISSUER var is unset). */
  GATEHOUSE_URL: string;
  /** Tokens of this ecosystem only (`*` for any); Gatehouse's DEFAULT_ECOSYSTEM when unset. */
  GATEHOUSE_ECOSYSTEM?: string;
}

export const app = new Hono<{ Bindings: Env; Variables: GatehouseVariables }>();

app.get('/', (c) => c.text('Hello, anyone.\n'));

const signedIn = gatehouseAuth<Env>((env) => ({ binding: env.GATEHOUSE, url: env.GATEHOUSE_URL, ecosystem: env.GATEHOUSE_ECOSYSTEM }));
app.use('/me', signedIn);
app.use('/me/*', signedIn);

app.get('/me', (c) => {
  const { userId, email, role, ecosystemId } = c.var.gatehouse;
  return c.json({ userId, email, role, ecosystemId });
});

app.get('/me/greeting', (c) => c.text(`Hello, ${c.var.gatehouse.email ?? c.var.gatehouse.userId}.\n`));

export default app;
