import { BUILT_IN_TYPES } from './label-types.js';

/**
 * Checks of a data folder's files as parsed JSON, for a restore: everything the server would
 * refuse at start, and every label against its text. Each returns why the content is refused, or
 * `null` when it is fine.
 */

/** `project.json`: an object whose `labelTypes`, when present, is a list of types with an id and a name. */
export function projectFileProblem(data: unknown): string | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'is not a JSON object';
  const types = (data as { labelTypes?: unknown }).labelTypes;
  if (types === undefined) return null;
  if (!Array.isArray(types)) return `labelTypes is not a list (it is ${JSON.stringify(types).slice(0, 40)})`;
  for (const [i, t] of types.entries()) {
    if (t === null || typeof t !== 'object' || typeof (t as { id?: unknown }).id !== 'string' || (t as { id: string }).id === '' || typeof (t as { name?: unknown }).name !== 'string') {
      return `labelTypes[${i}] is not a label type with an id and a name`;
    }
  }
  return null;
}

/** The label type ids a project file adds to the built-in ones (the file already checked). */
export function knownTypeIds(project: unknown): Set<string> {
  const added = ((project as { labelTypes?: { id: string }[] } | null)?.labelTypes ?? []).map((t) => t.id);
  return new Set([...BUILT_IN_TYPES.map((t) => t.id), ...added]);
}

/** `users.json`: an object holding a `users` list of objects. */
export function usersFileProblem(data: unknown): string | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'is not a JSON object';
  const users = (data as { users?: unknown }).users;
  if (!Array.isArray(users)) return 'has no "users" list';
  const bad = users.findIndex((u) => u === null || typeof u !== 'object' || Array.isArray(u));
  return bad < 0 ? null : `users[${bad}] is not an object`;
}

interface CheckedLabel {
  id: string;
  type: string;
  start: number;
  end: number;
  rev: number;
  quote: { exact: string };
  anchor: { state: string };
}

/**
 * The first label of a document (already of the document schema) that could not be shown: its
 * revision does not exist, its type is unknown, its span lies outside that revision's text, or
 * its quote is not the text it covers (an orphaned label has an empty span and keeps its old
 * quote). Offsets are UTF-16. Revisions without a plain `text` (stored compressed) are not
 * compared with their labels' quotes.
 */
export function documentLabelsProblem(doc: { revisions: { rev: number; text?: unknown }[]; labels: CheckedLabel[] }, types: Set<string>): string | null {
  const texts = new Map(doc.revisions.map((r) => [r.rev, typeof r.text === 'string' ? r.text : null]));
  for (const l of doc.labels) {
    const what = `label ${JSON.stringify(l.id).slice(0, 60)}`;
    if (!types.has(l.type)) return `${what} has the unknown type ${JSON.stringify(l.type).slice(0, 60)}`;
    if (!texts.has(l.rev)) return `${what} refers to revision ${l.rev}, which the document does not have (it has ${[...texts.keys()].join(', ')})`;
    if (l.start > l.end) return `${what} starts (${l.start}) after it ends (${l.end})`;
    const text = texts.get(l.rev);
    if (text === null || text === undefined) continue;
    if (l.end > text.length) return `${what} ends at ${l.end}, beyond the ${text.length} characters of revision ${l.rev}`;
    if (l.anchor.state === 'orphaned') continue;
    if (l.start === l.end) return `${what} has an empty span but is not orphaned`;
    if (text.slice(l.start, l.end) !== l.quote.exact) return `${what}: the text at ${l.start}-${l.end} of revision ${l.rev} is not its quote ${JSON.stringify(l.quote.exact.slice(0, 60))}`;
  }
  return null;
}
