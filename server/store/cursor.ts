import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './repository.js';

/** How long a cursor stays valid, in milliseconds. */
export const CURSOR_TTL_MS = 60 * 60 * 1000;

/**
 * Opaque page cursors: `base64url(JSON payload).base64url(HMAC-SHA256)`. The payload names the
 * query it belongs to, so a cursor cannot be edited, replayed against another sort or filter, or
 * used after it expired. The key is random per process unless given (cursors die with a restart).
 */
export class CursorSigner {
  constructor(
    private readonly key: Buffer = randomBytes(32),
    private readonly ttlMs = CURSOR_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  sign(query: string, position: unknown): string {
    const body = Buffer.from(JSON.stringify({ q: query, p: position, t: this.now() })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The position stored in `cursor`; throws InvalidCursorError with the reason. */
  open(cursor: string, query: string): unknown {
    const [body, mac, extra] = cursor.split('.');
    if (!body || !mac || extra !== undefined || cursor.length > 4096) throw new InvalidCursorError('the cursor is malformed; start again from the first page');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new InvalidCursorError('the cursor was altered or comes from another server run; start again from the first page');
    }
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { q: string; p: unknown; t: number };
    if (this.now() - payload.t > this.ttlMs) throw new InvalidCursorError('the cursor has expired; start again from the first page');
    if (payload.q !== query) throw new InvalidCursorError('the cursor belongs to another sort, filter or search; start again from the first page');
    return payload.p;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
