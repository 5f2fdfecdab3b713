import { setImmediate as nextTurn } from 'node:timers/promises';

/** Event-loop time a serialisation may take before it gives other work a turn, in milliseconds. */
export const SLICE_BUDGET_MS = 4;

/** Arrays at most this long, and objects holding no longer array, are serialised in one piece. */
const SMALL_ARRAY = 16;

export interface SliceOptions {
  /** Milliseconds of work between two turns given back to the event loop (default SLICE_BUDGET_MS). */
  budgetMs?: number;
}

/**
 * Serialises `value` to exactly the text `JSON.stringify(value)` gives (no replacer, no indent),
 * handing it to `emit` in pieces and giving the event loop a turn (`setImmediate`) after every
 * `budgetMs` of work, so a multi-megabyte document (a 2,000,000-character text, 20,000 labels,
 * their snapshot in an older revision) never blocks other requests for the whole of its
 * serialisation. Large arrays are cut between items, objects holding large arrays between keys;
 * anything smaller is one `JSON.stringify` call. The value must not change until the promise
 * settles. A value with a `toJSON` method is serialised whole by `JSON.stringify` (its `toJSON`
 * gets the key `""`, which `Date` ignores). A cycle throws a TypeError as `JSON.stringify` does.
 * Each piece is the text of one or more slices joined; concatenated, they are the whole text.
 */
export async function emitJsonSlices(value: unknown, emit: (piece: string) => void | Promise<void>, options: SliceOptions = {}): Promise<void> {
  const budget = options.budgetMs ?? SLICE_BUDGET_MS;
  const parts: string[] = [];
  const out = (s: string) => void parts.push(s);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') throw new TypeError(`${typeof value} cannot be serialised to JSON`);
  let since = performance.now();
  for (const _checkpoint of slices(value, out, new Set())) {
    if (performance.now() - since < budget) continue;
    await emit(parts.splice(0).join(''));
    await nextTurn();
    since = performance.now();
  }
  if (parts.length) await emit(parts.splice(0).join(''));
}

/** The whole text, as `JSON.stringify(value)`, built in slices (see emitJsonSlices). */
export async function stringifyInSlices(value: unknown, options?: SliceOptions): Promise<string> {
  const pieces: string[] = [];
  await emitJsonSlices(value, (p) => void pieces.push(p), options);
  return pieces.join('');
}

/** Whether `value` is cut into slices rather than stringified in one call. */
function isSliced(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) return false;
  if (Array.isArray(value)) return value.length > SMALL_ARRAY;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (Array.isArray(v) && v.length > SMALL_ARRAY) return true;
  }
  return false;
}

/**
 * Writes the JSON text of `value` through `out`, yielding after each item of a sliced array or
 * key of a sliced object (a checkpoint where the caller may give the event loop a turn).
 */
function* slices(value: unknown, out: (s: string) => void, stack: Set<object>): Generator<void> {
  if (!isSliced(value)) {
    // JSON.stringify itself throws on a cycle and on BigInt, as the whole-text call would.
    out(JSON.stringify(value) ?? 'null');
    yield;
    return;
  }
  if (stack.has(value)) throw new TypeError('Converting circular structure to JSON');
  stack.add(value);
  if (Array.isArray(value)) {
    out('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out(',');
      yield* slices(value[i], out, stack); // undefined, functions and symbols become null, as in JSON.stringify
    }
    out(']');
  } else {
    out('{');
    let first = true;
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      const name = `${first ? '' : ','}${JSON.stringify(key)}:`;
      if (isSliced(v)) {
        out(name);
        yield* slices(v, out, stack);
      } else {
        const s = JSON.stringify(v);
        if (s === undefined) continue; // undefined, functions and symbols are left out, as in JSON.stringify
        out(name + s);
        yield;
      }
      first = false;
    }
    out('}');
  }
  stack.delete(value);
}
