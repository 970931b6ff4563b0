// Bad credentials (see bad-auth.ts) on the Droplit, Gatekeeper and OAuth routes.
import { badCredentialSweeps } from './bad-auth';
import { ROUTES } from './routes';

badCredentialSweeps([...ROUTES.droplit, ...ROUTES.gatekeeper, ...ROUTES.oauth]);
