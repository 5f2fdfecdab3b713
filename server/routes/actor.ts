import type { Request } from 'express';

/** The cookie holding the reviewer's name until accounts exist. */
export const USER_COOKIE = 'framewise_user';
export const MAX_ACTOR_LENGTH = 80;

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

/** A name as stored: control characters removed, trimmed, cut to 80 code points (never inside a character). */
export function cleanName(raw: string): string {
  return [...raw.replace(/[\u0000-\u001f\u007f]/g, '').trim()].slice(0, MAX_ACTOR_LENGTH).join('').trim();
}
