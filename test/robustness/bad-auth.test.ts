// Bad credentials (see bad-auth.ts) on the Droplit, Gatekeeper, OAuth and hosted-page routes.
import { badCredentialSweeps } from './bad-auth';
import { routesOf } from './routes';

badCredentialSweeps(routesOf('droplit', 'gatekeeper', 'oauth', 'page'));
