import type { Request } from 'express';
import { cleanName, MAX_NAME_LENGTH } from '../domain/reviewer-name.js';
import '../auth/types.js';

export { cleanName };
export const MAX_ACTOR_LENGTH = MAX_NAME_LENGTH;

/**
 * Who is acting: the signed-in user, always. (Before accounts, an `annotator` field or a cookie
 * chose the name; neither does any more.) "anonymous" only on public routes, which write nothing.
 */
export function actorOf(req: Request): string {
  return req.user?.username ?? 'anonymous';
}
