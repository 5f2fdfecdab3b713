import { z } from 'zod';
import { ANCHOR_STATES, SOURCINGS } from './types.js';

/** The shape every stored document file must have; a file that fails it is quarantined at start. */
export const documentFileSchema = z.object({
  id: z.string().min(1),
  meta: z.object({ title: z.string() }).passthrough(),
  revisions: z
    .array(z.object({ rev: z.number().int().positive(), text: z.string(), createdAt: z.string(), author: z.string(), message: z.string() }))
    .min(1),
  labels: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      start: z.number().int().nonnegative(),
      end: z.number().int().nonnegative(),
      rev: z.number().int().positive(),
      quote: z.object({ exact: z.string(), prefix: z.string(), suffix: z.string() }),
      sourcing: z.enum(SOURCINGS).optional(),
      annotator: z.string(),
      anchor: z.object({ state: z.enum(ANCHOR_STATES), method: z.string(), fromRev: z.number() }).passthrough(),
    }).passthrough(),
  ),
  events: z.array(z.object({ at: z.string(), actor: z.string(), kind: z.string() }).passthrough()),
});

/** Document ids: uuids or slugs of letters, digits, `_` and `-`, at most 100 characters. */
export const DOCUMENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export function isDocumentId(id: string): boolean {
  return DOCUMENT_ID.test(id);
}
