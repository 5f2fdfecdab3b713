import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { emitJsonSlices } from '../store/json-slices.js';

/**
 * Answers `value` as `res.json(value)` would (same bytes, `Content-Type`, `Content-Length`, ETag,
 * 304 for a matching `If-None-Match`, no body for HEAD), but serialised in slices with turns of the
 * event loop between them, the bytes and the ETag's SHA-1 made slice by slice: a multi-megabyte
 * document (2,000,000 characters, 20,000 labels) or re-anchoring report does not block other
 * requests for the whole of its serialisation. With JSON settings of the app (replacer, spaces,
 * escape) or a content type already set, it is `res.json` itself.
 */
export async function sendJsonInSlices(req: Request, res: Response, value: unknown): Promise<void> {
  const app = req.app;
  if (app.get('json replacer') !== undefined || app.get('json spaces') !== undefined || app.get('json escape') || res.get('Content-Type')) {
    res.json(value);
    return;
  }
  // Express's built-in ETags (setting true, 'weak' or 'strong') are made here as the etag package
  // makes them; a custom function (or none) is left to res.send.
  const setting = app.get('etag') as unknown;
  const prefix = setting === true || setting === 'weak' ? 'W/' : setting === 'strong' ? '' : null;
  const hash = prefix === null ? null : createHash('sha1');
  const chunks: Buffer[] = [];
  await emitJsonSlices(value, (piece) => {
    const bytes = Buffer.from(piece, 'utf8');
    chunks.push(bytes);
    hash?.update(bytes);
  });
  const body = Buffer.concat(chunks);
  res.set('Content-Type', 'application/json; charset=utf-8');
  if (hash && body.length > 0 && !res.get('ETag')) res.set('ETag', `${prefix}"${body.length.toString(16)}-${hash.digest('base64').slice(0, 27)}"`);
  res.send(body);
}
