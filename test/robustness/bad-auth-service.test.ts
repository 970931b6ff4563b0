// Bad credentials (see bad-auth.ts) on the User Service and management routes.
import { badCredentialSweeps } from './bad-auth';
import { ROUTES } from './routes';

badCredentialSweeps([...ROUTES.userService, ...ROUTES.management]);
