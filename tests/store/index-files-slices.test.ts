/**
 * The statement index snapshot is written and read in bounded steps (server/store/index-files.ts):
 * the word dictionary and the document list are serialised and parsed a slice at a time, the
 * payload encoded, decoded and summed a slice at a time, and the text is exactly what one
 * JSON.stringify of the whole snapshot would be.
 */
import {
  parseSteps,
  serializeSteps,
  serializeStatementIndex,
  storedIndexProblem,
  STATEMENT_INDEX_VERSION,
  type StoredIndexDocument,
  type StoredStatementIndex,
} from '../../server/store/index-files.js';

/** A snapshot with `wordCount` distinct words (some with quotes, backslashes, brackets and commas) and `docCount` documents. */
function snapshot(wordCount: number, docCount: number): StoredStatementIndex {
  const odd = ['"quoted"', 'back\\slash', '[bracket]', '{brace}', 'comma,word', 'é\u2028ü', '\\"', ']', ','];
  const words = Array.from({ length: wordCount }, (_, i) => (i % 97 === 0 ? `${odd[i % odd.length]}${i}` : `word${i}`));
  const documents: StoredIndexDocument[] = [];
  for (let d = 0; d < docCount; d++) {
    const n = 50;
    const ids = new Uint32Array(n);
    const starts = new Uint32Array(n);
    const ends = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      ids[k] = (d * 131 + k * 17) % wordCount;
      starts[k] = k * 8;
      ends[k] = k * 8 + 6;
    }
    documents.push({
      id: `doc-${String(d).padStart(5, '0')}`,
      key: `key "${d}", [x]`,
      words: ids,
      starts,
      ends,
      passages: [
        { kind: 'label', start: 0, end: 40, labelId: `label-${d}` },
        { kind: 'sentence', start: 0, end: 400 },
      ],
    });
  }
  const matches: StoredStatementIndex['matches'] = [];
  for (let d = 1; d < docCount; d++) matches.push([documents[d - 1].id, 1, documents[d].id, 1, 0, 10, 0, 10, 8]);
  return { version: STATEMENT_INDEX_VERSION, words, documents, matches };
}

/** The serialisation as it was before the slices: one JSON.stringify of the whole object. */
function onePiece(text: string): string {
  return JSON.stringify(JSON.parse(text));
}

function countSteps<T>(steps: Generator<void, T, void>): { steps: number; value: T } {
  let n = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { steps: n, value: r.value };
    n++;
  }
}

describe('statement index snapshot in slices', () => {
  it('when a snapshot with a dictionary of 200,000 words is serialised, then the text is byte for byte one JSON.stringify of it, built over many steps', () => {
    const s = snapshot(200_000, 300);
    const { steps, value } = countSteps(serializeSteps(s));
    expect(value).toBe(onePiece(value));
    const parsed = JSON.parse(value) as { words: string[]; documents: unknown[] };
    expect(parsed.words).toEqual(s.words);
    expect(parsed.documents).toHaveLength(300);
    // One step per document, and more than one for the dictionary alone (4,096 words a step).
    expect(steps).toBeGreaterThanOrEqual(300 + Math.ceil(200_000 / 4096));
    expect(serializeStatementIndex(s)).toBe(value);
  });

  it('when the serialised snapshot is read back in steps, then it is what was written, and the dictionary took many steps', () => {
    const s = snapshot(200_000, 300);
    const text = serializeStatementIndex(s);
    const { steps, value } = countSteps(parseSteps(text));
    expect(typeof value).toBe('object');
    const back = value as StoredStatementIndex;
    expect(back.words).toEqual(s.words);
    expect(back.documents.map((d) => d.id)).toEqual(s.documents.map((d) => d.id));
    expect(back.documents[7].key).toBe(s.documents[7].key);
    expect(Array.from(back.documents[7].words)).toEqual(Array.from(s.documents[7].words));
    expect(back.matches).toEqual(s.matches);
    expect(steps).toBeGreaterThan(300 + 10);
    // Written again, the same bytes.
    expect(serializeStatementIndex(back)).toBe(text);
  });

  it('when a snapshot is empty, then it is written as one JSON.stringify and read back', () => {
    const s: StoredStatementIndex = { version: STATEMENT_INDEX_VERSION, words: [], documents: [], matches: [] };
    const text = serializeStatementIndex(s);
    expect(text).toBe(onePiece(text));
    expect(storedIndexProblem(text)).toEqual(s);
  });

  it.each([
    ['a trailing comma in the dictionary', (t: string) => t.replace('"word1",', '"word1",,')],
    ['a bracket of the wrong kind closing the dictionary', (t: string) => t.replace('],"documents"', '},"documents"')],
    ['a cut-off text', (t: string) => t.slice(0, t.length - 10)],
    ['white space only between two commas', (t: string) => t.replace('"word1",', '"word1",   ,')],
  ])('when the text has %s, then it is refused as JSON.parse would refuse it', (_what, damage) => {
    const text = damage(serializeStatementIndex(snapshot(5_000, 20)));
    expect(() => JSON.parse(text)).toThrow();
    expect(storedIndexProblem(text)).toBe('is not valid JSON');
  });

  it('when the text is valid JSON laid out differently (spaces, another key order), then it is read as JSON.parse reads it', () => {
    const s = snapshot(5_000, 20);
    const text = serializeStatementIndex(s);
    const data = JSON.parse(text) as Record<string, unknown>;
    const spaced = JSON.stringify(data, null, 1);
    const reordered = JSON.stringify({ documents: data.documents, ...data });
    for (const other of [spaced, reordered]) expect(serializeStatementIndex(storedIndexProblem(other) as StoredStatementIndex)).toBe(text);
  });

  it('when the small fields after the documents repeat a key, then the last one counts, as with JSON.parse', () => {
    const text = serializeStatementIndex(snapshot(5_000, 20));
    const twice = text.replace(/}$/, ',"words":[]}');
    expect(JSON.parse(twice).words).toEqual([]);
    // With no words, the documents' word ids point nowhere.
    expect(storedIndexProblem(twice)).toMatch(/is not in its word list/);
  });
});
