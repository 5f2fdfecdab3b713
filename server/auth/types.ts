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
      /** True for an annotator under blind labelling: figures over every layer (label counts, statuses) are kept from them. */
      blindAnnotator?: boolean;
      /** Speaker names this user may be offered; `null`: every name in the corpus (auth/visibility.ts). */
      visibleSpeakerNames?: () => Promise<string[] | null>;
    }
  }
}

export {};
