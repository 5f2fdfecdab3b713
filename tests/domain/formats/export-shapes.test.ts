import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDocument } from '../../../server/domain/documents.js';
import { makeLabel } from '../../../server/domain/labels.js';
import { CodePointIndex } from '../../../server/domain/formats/code-points.js';
import { emptyConllTally, encodeConllDocument } from '../../../server/domain/formats/conll.js';
import { FIXTURES_DIR } from '../../helpers/app.js';
import { EMOJI_DOC, EMOJI_TEXT, startLabelledApp } from './labelled-corpus.js';

/**
 * A CoNLL-2003 reader as the common loaders are written (Hugging Face's conll2003 script, flair's
 * ColumnCorpus): `-DOCSTART-` lines are skipped, a blank line ends a sentence, columns are split on
 * spaces, the first is the token and the last the tag. It knows nothing of `#` comments.
 */
function readConll2003(text: string): { tokens: string[]; tags: string[] }[] {
  const sentences: { tokens: string[]; tags: string[] }[] = [];
  let current = { tokens: [] as string[], tags: [] as string[] };
  for (const line of text.split('\n')) {
    if (line.startsWith('-DOCSTART-') || line === '') {
      if (current.tokens.length) sentences.push(current);
      current = { tokens: [], tags: [] };
      continue;
    }
    const columns = line.split(' ');
    if (columns.length !== 4) throw new Error(`a line without 4 columns: ${JSON.stringify(line)}`);
    current.tokens.push(columns[0]);
    current.tags.push(columns[3]);
  }
  if (current.tokens.length) sentences.push(current);
  return sentences;
}

describe('export shapes other tools read', () => {
  let app: Awaited<ReturnType<typeof startLabelledApp>>;
  beforeAll(async () => {
    app = await startLabelledApp();
  });
  afterAll(() => app.cleanup());

  test('when CoNLL is exported without comments, then a plain CoNLL-2003 reader loads every line, one sentence per sequence, with valid BIO tags', async () => {
    const text = (await app.http.get(`/api/export?format=conll&document=${EMOJI_DOC}`)).text;
    expect(text.split('\n').filter((l) => l.startsWith('#'))).toEqual([]);
    const sentences = readConll2003(text);
    expect(sentences.map((s) => s.tokens.join(' '))).toEqual(['🙂 Crowds 😀 gathered .', '“ We want peace 🕊️ now , ” said Ana Ruiz , a protester .', 'Officials said talks 👍 would resume .']);
    expect(sentences[1].tags.slice(0, 9)).toEqual(['B-direct-quote', ...Array(7).fill('I-direct-quote'), 'O']);
    for (const s of readConll2003((await app.http.get('/api/export?format=conll')).text)) {
      s.tags.forEach((tag, i) => {
        if (tag.startsWith('I-')) expect([`B-${tag.slice(2)}`, tag]).toContain(s.tags[i - 1]);
      });
    }
  });

  test('when a paragraph holds several sentences, then each is its own sequence, and a title like "Mr." does not end one', () => {
    const doc = createDocument({ id: 'd', body: 'Ana spoke. Bob left.\nMr. Smith stayed.', format: 'text', meta: { title: 't' }, author: 'a', now: 'n' });
    const label = makeLabel(doc, { id: 'l', type: 'opinion', start: 11, end: 19 }, 'a', 'n');
    const out = encodeConllDocument(doc, [label], new CodePointIndex(doc.revisions[0].text), emptyConllTally());
    expect(readConll2003(out).map((s) => s.tokens.join(' '))).toEqual(['Ana spoke .', 'Bob left .', 'Mr . Smith stayed .']);
    expect(readConll2003(out)[1].tags).toEqual(['B-opinion', 'I-opinion', 'O']);
  });

  test('when doccano is exported, then each line has the keys of doccano\'s own import examples plus id, label triples in code points, and the attributes in meta', async () => {
    const example = (await readFile(join(FIXTURES_DIR, 'doccano', 'data_import__tests__data__sequence_labeling__example.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const theirKeys = new Set(example.flatMap((l) => Object.keys(l)));
    const lines = (await app.http.get('/api/export?format=doccano')).text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; label: [number, number, string][]; meta: Record<string, unknown> });
    for (const line of lines) {
      expect(Object.keys(line).filter((k) => !theirKeys.has(k))).toEqual(['id']);
      expect(typeof line.meta).toBe('object');
      for (const [s, e, type] of line.label) expect([Number.isInteger(s), Number.isInteger(e), typeof type]).toEqual([true, true, 'string']);
    }
    const emoji = lines.find((l) => l.id === EMOJI_DOC)!;
    expect(emoji.text).toBe(EMOJI_TEXT);
    expect(emoji.label.map(([s, e]) => Array.from(emoji.text).slice(s, e).join(''))).toEqual(['“We want peace 🕊️ now,”', 'peace 🕊️', 'talks 👍 would resume']);
    expect(emoji.meta.label_attributes).toEqual([
      { id: '00000000-0000-4000-8000-000000000007', annotator: 'tester', speaker: 'Ana Ruiz', cue: 'said', sourcing: 'named', note: 'emoji 👍 in a note, "quoted", with a comma' },
      { id: '00000000-0000-4000-8000-000000000008', annotator: 'second-annotator' },
      { id: '00000000-0000-4000-8000-000000000009', annotator: 'tester', cue: 'said', sourcing: 'anonymous' },
    ]);
  });
});
