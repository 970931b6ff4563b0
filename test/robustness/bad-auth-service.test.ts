// Bad credentials (see bad-auth.ts) on the User Service and management routes.
import { badCredentialSweeps } from './bad-auth';
import { routesOf } from './routes';

badCredentialSweeps(routesOf('userService', 'management'));
