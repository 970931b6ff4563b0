// A face is one record (src/faces/<face>/face.ts): the paths it answers, its error dialect, its
// OpenAPI tags and error body, whether a browser reads it. These tests list each face's paths, check
// that every route the app registers lies in the face whose tag it carries, and show that a new
// top-level path is one record: the error routing, the gateway's reserved paths and the document
// all follow from the list of records, with nothing else to edit.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseGatewayRoutes, refuseOwnedPrefixes } from '../../src/config/gateway-routes';
import { FACES } from '../../src/faces';
import { faceOf, isOwnedFirstSegment, ownedFirstSegments, servesBrowser, type Face } from '../../src/http/face';
import { errorSchemasOf, tagsOf } from '../../src/openapi/document';
import { renderPageError } from '../../src/web/errors';
import { json, newClient } from '../support/driver';

const byName = (name: string) => FACES.find((face) => face.name === name)!;

describe('the faces', () => {
  it('lists the paths each face answers', () => {
    expect(Object.fromEntries(FACES.map((face) => [face.name, face.paths]))).toEqual({
      droplit: ['/api'],
      gatekeeper: ['/api/v2'],
      'user-service': ['/v<N>/users'],
      oauth: ['/oauth'],
      management: ['/', '/admin', '/.well-known', '/auth', '/healthz', '/openapi.json', '/docs'],
      pages: ['/signin', '/signout', '/signup', '/forgot-password', '/reset-password', '/confirm-email', '/account', '/device'],
      console: ['/console'],
    });
    expect(FACES.filter((face) => face.paths.includes('/')).map((face) => face.name)).toEqual(['management']);
  });

  it('sends each path to its face, the most specific prefix first', () => {
    const cases: [string, string, boolean][] = [
      ['/api/users', 'droplit', false],
      ['/api', 'droplit', false],
      ['/api/v2/sessions/', 'gatekeeper', false],
      ['/api/v2x', 'droplit', false],
      ['/v3/users/login', 'user-service', false],
      ['/V3/users/login', 'management', false],
      ['/v3/other', 'management', false],
      ['/oauth/token', 'oauth', false],
      ['/oauth/authorize', 'oauth', true],
      ['/oauth/logout/', 'oauth', true],
      ['/signin', 'pages', true],
      ['/account/sessions/sign-out', 'pages', true],
      ['/accounts', 'management', false],
      ['/admin/v1/users', 'management', false],
      ['/nowhere', 'management', false],
      ['/console', 'console', true],
      ['/console/users/x/delete', 'console', true],
      ['/consoles', 'management', false],
    ];
    for (const [path, name, browser] of cases) {
      const face = faceOf(FACES, path);
      expect([path, face.name, servesBrowser(face, path)]).toEqual([path, name, browser]);
    }
  });

  it('holds every route the app documents in the face its OpenAPI tag names', async () => {
    const document = await json(await newClient().get('/openapi.json'));
    const misplaced: string[] = [];
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { tags: string[] }>>)) {
      const concrete = path.replace('{version}', 'v1').replace(/\{[^}]+\}/g, 'x');
      const face = faceOf(FACES, concrete);
      for (const [method, operation] of Object.entries(operations)) {
        const owned = operation.tags.every((tag) => face.tags.some((own) => own.name === tag));
        if (!owned) misplaced.push(`${method.toUpperCase()} ${path} (${operation.tags.join(', ')}) lies in ${face.name}`);
      }
    }
    // The Gatekeeper's root sits in droplit's /api, whose errors it has always had; the discovery
    // documents are OAuth's by their tag and the management face's by their path (/.well-known).
    expect(misplaced).toEqual([
      'GET /.well-known/jwks.json (OAuth/OIDC) lies in management',
      'GET /.well-known/openid-configuration (OAuth/OIDC) lies in management',
      'GET /.well-known/oauth-authorization-server (OAuth/OIDC) lies in management',
      'GET /api (Gatekeeper) lies in droplit',
    ]);
  });

  it('reserves every first segment a face answers from the gateway', () => {
    expect(ownedFirstSegments(FACES).sort()).toEqual(
      [
        '.well-known',
        'account',
        'admin',
        'api',
        'auth',
        'confirm-email',
        'device',
        'console',
        'docs',
        'forgot-password',
        'healthz',
        'oauth',
        'openapi.json',
        'reset-password',
        'signin',
        'signout',
        'signup',
        'v<N>',
      ].sort(),
    );
    expect(isOwnedFirstSegment(FACES, 'V12')).toBe(true);
    expect(isOwnedFirstSegment(FACES, 'app')).toBe(false);
  });

  it('makes a new top-level path one record: error routing, reserved paths and the document follow', () => {
    const status: Face = {
      name: 'status',
      paths: ['/status'],
      browser: true,
      renderError: renderPageError,
      tags: [{ name: 'Status', description: 'A status page.' }],
      errorBody: { name: 'StatusError', schema: z.object({ error: z.string() }) },
    };
    const withStatus = [...FACES, status];
    const gatewayRoute = parseGatewayRoutes(JSON.stringify([{ prefix: '/status/', origin: 'https://origin.test' }]));
    const refuse = (faces: readonly Face[]) => () =>
      refuseOwnedPrefixes(gatewayRoute, (segment) => isOwnedFirstSegment(faces, segment), ownedFirstSegments(faces));

    expect(faceOf(FACES, '/status/now')).toBe(byName('management'));
    expect(faceOf(withStatus, '/status/now')).toBe(status);
    expect(servesBrowser(status, '/status/now')).toBe(true);
    expect(refuse(FACES)).not.toThrow();
    expect(refuse(withStatus)).toThrow(/"\/status\/", which overlaps the service's own routes \(.*\/status\/\)/);
    expect(Object.keys(errorSchemasOf(withStatus))).toEqual([
      'DroplitError',
      'GatekeeperError',
      'UserServiceError',
      'OAuthError',
      'ManagementError',
      'StatusError',
    ]);
    expect(
      tagsOf(withStatus)
        .map((tag) => tag.name)
        .at(-1),
    ).toBe('Status');
  });
});
