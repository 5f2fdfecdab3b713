import type { AuthMethod, AuthUser } from './roles.js';
import type { DocumentRecord } from '../domain/types.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The signed-in user; set by `authenticate`, absent on public routes for anonymous callers. */
      user?: AuthUser;
      auth?: { method: AuthMethod; sessionId?: string; csrfToken?: string };
      /** Hides the labels this user may not see yet (blind labelling); identity for everyone else. */
      visibleDocument?: (doc: DocumentRecord) => DocumentRecord;
    }
  }
}

export {};
