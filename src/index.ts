// The Worker entry: one handler per isolate, so the isolate's caches live across requests.
import { createWorker } from './worker';

export default createWorker();
