// Face 4, our own: the standards routes and the operator routes.
import { Hono } from 'hono';
import type { AppEnv } from '../../http/types';
import { admin } from './admin';
import { clientRoutes } from './clients';
import { registrationRoutes } from './registration';
import { identityProviderRoutes } from './identity-providers';
import { eventRoutes } from './events';
import { webhookRoutes } from './webhooks';
import { service } from './service';
import { standards } from './standards';

export const managementFace = new Hono<AppEnv>();
managementFace.route('/', service);
managementFace.route('/', standards);
managementFace.route('/admin/v1', eventRoutes);
managementFace.route('/admin/v1', admin);
managementFace.route('/admin/v1/clients', clientRoutes);
managementFace.route('/admin/v1', registrationRoutes);
managementFace.route('/admin/v1/identity-providers', identityProviderRoutes);
managementFace.route('/admin/v1/webhooks', webhookRoutes);
