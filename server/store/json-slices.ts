import { setImmediate as nextTurn } from 'node:timers/promises';

/** Event-loop time a serialisation may take before it gives other work a turn, in milliseconds. */
export const SLICE_BUDGET_MS = 4;

/** Arrays at most this long, and objects holding no longer array nor string, are serialised in one piece. */
const SMALL_ARRAY = 16;
/** Small items of an array stringified in one call. */
const BATCH = 64;
/** Strings longer than this (UTF-16 code units) are serialised in pieces of about this length. */
const STRING_SLICE = 1 << 16;

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
 * long strings (a revision's text) every 65,536 code units, never inside a surrogate pair (so the
 * escaping, which only a lone surrogate changes, is that of the whole string); anything smaller is
 * one `JSON.stringify` call. The value must not change until the promise
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

/** How deep `isSliced` looks for something large inside short arrays and objects. */
const LOOK_DEPTH = 3;

/**
 * Whether `value` is cut into slices rather than stringified in one call: a long array or string,
 * or an array or object holding one (within LOOK_DEPTH levels: a document's two revisions, one of
 * them holding a 2,000,000-character text, are cut although the array of revisions is short).
 */
function isSliced(value: unknown, depth = 0): value is object | string {
  if (typeof value === 'string') return value.length > STRING_SLICE;
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) return false;
  if (Array.isArray(value)) return value.length > SMALL_ARRAY || (depth < LOOK_DEPTH && value.some((v) => isSliced(v, depth + 1)));
  if (depth >= LOOK_DEPTH) return false;
  for (const key of Object.keys(value)) {
    if (isSliced((value as Record<string, unknown>)[key], depth + 1)) return true;
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
  if (typeof value === 'string') {
    out('"');
    for (let at = 0; at < value.length; ) {
      let end = Math.min(at + STRING_SLICE, value.length);
      const unit = value.charCodeAt(end - 1);
      if (end < value.length && unit >= 0xd800 && unit <= 0xdbff) end++; // keep a high surrogate with what follows it
      const piece = JSON.stringify(value.slice(at, end));
      out(piece.slice(1, -1));
      at = end;
      yield;
    }
    out('"');
    return;
  }
  if (stack.has(value)) throw new TypeError('Converting circular structure to JSON');
  stack.add(value);
  if (Array.isArray(value)) {
    out('[');
    // Runs of small items are stringified together (up to BATCH items: one call, not one per item).
    let run: unknown[] = [];
    const flush = () => {
      if (run.length) out(JSON.stringify(run).slice(1, -1)); // undefined, functions and symbols become null, as in JSON.stringify
      run = [];
    };
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (isSliced(item)) {
        flush();
        if (i > 0) out(',');
        yield* slices(item, out, stack);
        continue;
      }
      if (run.length === 0 && i > 0) out(',');
      run.push(item);
      if (run.length === BATCH) {
        flush();
        yield;
      }
    }
    flush();
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
