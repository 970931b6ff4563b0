// The User Service face as the service sees it: /v<N>/users under any version, its error dialect and body.
import { z } from 'zod';
import type { Face } from '../../http/face';
import { TAGS } from '../../openapi/describe';
import { renderUserServiceError } from './errors';

/** `{"error": "<reason>"}` (errors.ts); `requestId` only on a 500. */
const UserServiceErrorBody = z.object({
  error: z.string().meta({ example: 'Username or password is incorrect' }),
  requestId: z.string().optional(),
});

export const userService: Face = {
  name: 'user-service',
  paths: ['/v<N>/users'],
  browser: false,
  renderError: renderUserServiceError,
  tags: [{ name: TAGS.userService, description: 'The User Service under /v<N>/users (any version segment).' }],
  errorBody: { name: 'UserServiceError', schema: UserServiceErrorBody },
};
