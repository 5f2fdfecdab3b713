import type { Request } from 'express';
import { cleanName, MAX_NAME_LENGTH } from '../domain/reviewer-name.js';

export { cleanName };

/** The cookie holding the reviewer's name until accounts exist. */
export const USER_COOKIE = 'framewise_user';
export const MAX_ACTOR_LENGTH = MAX_NAME_LENGTH;

/**
 * Who is acting: the `annotator` query/body field for API clients, else the reviewer-name cookie,
 * else "anonymous". Control characters are removed and the name is cut to 80 characters.
 */
export function actorOf(req: Request): string {
  const fromBody = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>).annotator : undefined;
  const candidates = [fromBody, req.query.annotator, (req.cookies as Record<string, unknown> | undefined)?.[USER_COOKIE]];
  for (const c of candidates) {
    if (typeof c === 'string') {
      const clean = cleanName(c);
      if (clean) return clean;
    }
  }
  return 'anonymous';
}

