import type { Logger } from 'pino';
import type { AuthContext } from '../platform/auth.ts';

declare global {
  namespace Express {
    interface Request {
      /** Request id: the caller's X-Request-Id if sane, else a fresh UUID. */
      id: string;
      log: Logger;
      auth?: AuthContext;
    }
  }
}
export {};
