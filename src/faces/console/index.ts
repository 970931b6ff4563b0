// The operator console: server-rendered pages under /console on the hosted pages' kit (strict CSP,
// no script, works without JavaScript). Every route passes the door first (access.ts: an admin of
// the console's ecosystem, signed in with a second factor, judged on every request); every form is
// CSRF-checked before it. Each action is one core operation, the one the operator API calls.
import { Hono } from 'hono';
import type { AppEnv } from '../../http/types';
import { requireCsrf } from '../../web/csrf';
import { refusedForm } from '../../web/refused';
import { requireConsoleAdmin } from './access';
import * as clients from './clients';
import * as ecosystems from './ecosystems';
import * as integrations from './integrations';
import { action, screen } from './openapi';
import { outboxScreen, retryOutboxMail } from './outbox';
import { configurationScreen, eventsScreen, healthScreen, overviewScreen } from './system';
import * as userActions from './user-actions';
import { usersScreen, userScreen } from './users';

export const consoleRoutes = new Hono<AppEnv>();
// A form's CSRF check comes first: a cross-site post is refused before anything reads the session.
const csrf = requireCsrf(refusedForm);
consoleRoutes.use('/console/*', async function consoleFormCheck(c, next) {
  if (c.req.method !== 'POST') return next();
  return csrf(c, next);
});
consoleRoutes.use('/console/*', requireConsoleAdmin);

consoleRoutes.get('/console', screen('The console’s overview'), overviewScreen);

consoleRoutes.get(
  '/console/users',
  screen('Search users (e-mail, username or unique id prefix)', ['q', 'ecosystem', 'cursor']),
  usersScreen,
);
consoleRoutes.get('/console/users/:id', screen('A user: profile, sessions, factors, identities, events'), (c) => userScreen(c));
consoleRoutes.post('/console/users/:id/disable', action('Disable a user (every session ends)'), userActions.setDisabled(true));
consoleRoutes.post('/console/users/:id/enable', action('Enable a user'), userActions.setDisabled(false));
consoleRoutes.post(
  '/console/users/:id/role',
  action('Change a user’s role (every session ends)', { role: 'The new role' }),
  userActions.changeRole,
);
consoleRoutes.post('/console/users/:id/sessions/end-all', action('End every session and token of a user'), userActions.endAllSessions);
consoleRoutes.post('/console/users/:id/sessions/end', action('End one session', { session: 'The session’s id' }), userActions.endSession);
consoleRoutes.post('/console/users/:id/reset-mail', action('Mail a password reset to the user'), userActions.sendResetMail);
consoleRoutes.post(
  '/console/users/:id/mfa/remove',
  action('Remove a user’s second factors (every session ends)'),
  userActions.removeSecondFactors,
);
consoleRoutes.post(
  '/console/users/:id/delete',
  action('Delete a user', { confirm: 'The user’s e-mail (else username, else id), typed to confirm' }),
  userActions.deleteWithConfirmation,
);

consoleRoutes.get('/console/ecosystems', screen('The ecosystems'), ecosystems.ecosystemsScreen);
consoleRoutes.post('/console/ecosystems', action('Create an ecosystem', { name: 'Its name' }), ecosystems.createEcosystem);
consoleRoutes.get('/console/ecosystems/:id', screen('An ecosystem: environments and server tokens'), ecosystems.ecosystemScreen);
consoleRoutes.post(
  '/console/ecosystems/:id/environments',
  action('Create an environment', { name: 'Its name' }),
  ecosystems.createEnvironment,
);
consoleRoutes.post(
  '/console/ecosystems/:id/server-tokens',
  action('Create a server token (shown once)', { name: 'Its name' }, 'page'),
  ecosystems.createServerToken,
);
consoleRoutes.post('/console/ecosystems/:id/server-tokens/:tokenId/revoke', action('Revoke a server token'), ecosystems.revokeServerToken);

consoleRoutes.get('/console/clients', screen('The OAuth clients'), (c) => clients.clientsScreen(c));
consoleRoutes.post(
  '/console/clients',
  action(
    'Register an OAuth client (its secret shown once)',
    { name: 'Its name', redirectUris: 'One a line', public: '`on` for a public client' },
    'page',
  ),
  clients.createClient,
);
consoleRoutes.get('/console/clients/:id', screen('An OAuth client'), clients.clientScreen);
consoleRoutes.post(
  '/console/clients/:id',
  action('Change a client’s redirect URIs', { redirectUris: 'One a line', postLogoutRedirectUris: 'One a line' }),
  clients.updateClient,
);
consoleRoutes.post('/console/clients/:id/delete', action('Delete an OAuth client'), clients.deleteClient);

consoleRoutes.get('/console/identity-providers', screen('The identity providers'), integrations.providersScreen);
consoleRoutes.post(
  '/console/identity-providers',
  action('Add an identity provider', {
    id: 'Its id',
    name: 'Its name',
    kind: 'oidc, github, google, microsoft or apple',
    issuer: 'The issuer (oidc)',
    clientId: 'The client id upstream',
    clientSecret: 'The client secret upstream (sealed, never shown)',
  }),
  integrations.createProvider,
);
consoleRoutes.post('/console/identity-providers/:id/delete', action('Delete an identity provider'), integrations.deleteProvider);

consoleRoutes.get('/console/webhooks', screen('The webhooks'), integrations.webhooksScreen);
consoleRoutes.get('/console/webhooks/:id', screen('A webhook’s deliveries'), integrations.webhookScreen);
consoleRoutes.post('/console/webhooks/:id/deliveries/:deliveryId/retry', action('Retry a webhook delivery'), integrations.retryDelivery);

consoleRoutes.get('/console/outbox', screen('The mail outbox', ['to', 'status']), outboxScreen);
consoleRoutes.post('/console/outbox/:id/retry', action('Send a mail again'), retryOutboxMail);

consoleRoutes.get('/console/events', screen('The events', ['type', 'userId', 'ecosystemId', 'since', 'until', 'cursor']), eventsScreen);
consoleRoutes.get('/console/health', screen('Health'), healthScreen);
consoleRoutes.get('/console/configuration', screen('The configuration, secrets masked'), configurationScreen);
