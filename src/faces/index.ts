// Every face's record, in the order /openapi.json lists their tags. The app renders errors by them,
// the start-up check keeps gateway routes off their paths, the OpenAPI document takes their tags and
// error bodies from them. Only records here: a face's routes are mounted by src/app.ts.
import type { Face } from '../http/face';
import { consoleFace } from './console/face';
import { droplit } from './droplit/face';
import { gatekeeper } from './gatekeeper/face';
import { management } from './management/face';
import { oauth } from './oauth/face';
import { pages } from './pages/face';
import { userService } from './user-service/face';

export const FACES: readonly Face[] = [droplit, gatekeeper, userService, oauth, management, pages, consoleFace];
