import { DocumentStore } from '../../../server/store/document-store.js';
import { loadSeedsOnce } from '../../../server/store/seed-loader.js';
import { createDocument } from '../../../server/domain/documents.js';
import { makeLabel, type NewLabel } from '../../../server/domain/labels.js';
import { latestRevision, type AnchorState } from '../../../server/domain/types.js';
import { SEEDS_DIR, startTestApp, tempDataDir } from '../../helpers/app.js';
import { AnswerStore } from '../../../server/store/answer-store.js';
import type { Answer, Question } from '../../../server/domain/questions/types.js';

/** Every time in the labelled corpus, so exports of it are byte-for-byte stable (golden files). */
export const FIXED_NOW = '2026-01-02T03:04:05.000Z';

/** A document with astral characters (emoji) before and inside its labels. */
export const EMOJI_DOC = 'emoji-protest';
export const EMOJI_TEXT = '🙂 Crowds 😀 gathered.\n“We want peace 🕊️ now,” said Ana Ruiz, a protester.\nOfficials said talks 👍 would resume.';

interface Spec extends Omit<NewLabel, 'start' | 'end'> {
  /** The span's text, found in the document; `nth` picks a later occurrence. */
  find: string;
  nth?: number;
  annotator?: string;
  state?: AnchorState;
}

/** Labels of every type, with speakers, cues, sourcing, notes (one a spreadsheet formula), overlaps, a span across a paragraph break, fuzzy and orphaned anchors. */
export const LABELS: Record<string, Spec[]> = {
  '000_b5b79bfe33936fda': [
    { id: '00000000-0000-4000-8000-000000000001', type: 'direct-quote', find: '“rest, refit, regroup, reattack.”', speaker: 'Anthony Blinken', cue: 'is warning', sourcing: 'named' },
    { id: '00000000-0000-4000-8000-000000000002', type: 'reported-claim', find: 'Russia might try to find an end run around to a peace deal', speaker: 'Anthony Blinken', sourcing: 'named', note: 'Paraphrase, "end run" is the reporter\'s, not his' },
  ],
  '001_b1fe9c773694e9ae': [
    { id: '00000000-0000-4000-8000-000000000003', type: 'direct-quote', find: '“His imperial ambitions remain, and what he will seek to do is to rest, refit, and eventually re-attack,”', speaker: 'Antony Blinken', cue: 'he said', sourcing: 'named', note: '=HYPERLINK("http://example.com","click")' },
    { id: '00000000-0000-4000-8000-000000000004', type: 'opinion', find: 'warned.\n\n“His imperial ambitions remain', annotator: 'second-annotator', note: 'crosses a paragraph break\nand has two lines\tand a tab' },
    { id: '00000000-0000-4000-8000-000000000005', type: 'reported-claim', find: 'Ukraine’s position in Kursk was critical', sourcing: 'anonymous', state: 'fuzzy' },
  ],
  '003_975f8ef28e3c2c11': [
    { id: '00000000-0000-4000-8000-000000000006', type: 'opinion', find: 'the', nth: 3, sourcing: 'unattributed', state: 'orphaned' },
  ],
  [EMOJI_DOC]: [
    { id: '00000000-0000-4000-8000-000000000007', type: 'direct-quote', find: '“We want peace 🕊️ now,”', speaker: 'Ana Ruiz', cue: 'said', sourcing: 'named', note: 'emoji 👍 in a note, "quoted", with a comma' },
    { id: '00000000-0000-4000-8000-000000000008', type: 'opinion', find: 'peace 🕊️', annotator: 'second-annotator' },
    { id: '00000000-0000-4000-8000-000000000009', type: 'reported-claim', find: 'talks 👍 would resume', sourcing: 'anonymous', cue: 'said' },
  ],
};

/** Document questions of every kind; a choice with a comma and a quote, so CSV quoting shows. */
export const QUESTIONS: Question[] = [
  { id: 'genre', text: 'Genre', kind: 'single', choices: ['news', 'analysis', 'opinion, "signed"'] },
  { id: 'sources', text: 'Which sources does it cite?', kind: 'multiple', choices: ['officials', 'experts', 'studies'] },
  { id: 'title-fits', text: 'Does the title represent the article?', kind: 'scale', scaleLabels: ['not at all', 'completely'] },
  { id: 'inference', text: 'What does it infer?', kind: 'text' },
];

/** Answers by two annotators on one document, an annotator and the gold layer on the emoji document (so the default export keeps only gold there). */
export const ANSWERS: Answer[] = [
  { documentId: '001_b1fe9c773694e9ae', questionId: 'genre', annotator: 'tester', value: 'news', at: FIXED_NOW },
  { documentId: '001_b1fe9c773694e9ae', questionId: 'sources', annotator: 'tester', value: ['officials', 'experts'], at: FIXED_NOW },
  { documentId: '001_b1fe9c773694e9ae', questionId: 'title-fits', annotator: 'tester', value: 4, at: FIXED_NOW },
  { documentId: '001_b1fe9c773694e9ae', questionId: 'inference', annotator: 'tester', value: 'Russia will "re-attack", he says;\nsecond line', at: FIXED_NOW },
  { documentId: '001_b1fe9c773694e9ae', questionId: 'genre', annotator: 'second-annotator', value: 'opinion, "signed"', at: FIXED_NOW },
  { documentId: EMOJI_DOC, questionId: 'genre', annotator: 'tester', value: 'analysis', at: FIXED_NOW },
  { documentId: EMOJI_DOC, questionId: 'genre', annotator: 'gold', value: 'news', at: FIXED_NOW },
  { documentId: EMOJI_DOC, questionId: 'inference', annotator: 'gold', value: 'peace 🕊️ talks resume', at: FIXED_NOW },
];

/** Creates the seeds (at FIXED_NOW), the emoji document and the labels in a fresh data folder. */
export async function labelledCorpusDir(): Promise<string> {
  const dataDir = await tempDataDir();
  const store = await DocumentStore.open(dataDir);
  await loadSeedsOnce(store, SEEDS_DIR, FIXED_NOW);
  await store.create(createDocument({ id: EMOJI_DOC, body: EMOJI_TEXT, format: 'text', meta: { outlet: 'Test Wire', publishedAt: '2024-05-01', url: 'https://example.com/protest' }, author: 'tester', now: FIXED_NOW }));
  for (const [id, specs] of Object.entries(LABELS)) {
    await store.update(id, (d) => {
      const text = latestRevision(d).text;
      for (const { find, nth = 1, annotator = 'tester', state, ...input } of specs) {
        let start = -1;
        for (let i = 0; i < nth; i++) start = text.indexOf(find, start + 1);
        if (start === -1) throw new Error(`"${find}" is not in ${id}`);
        const label = makeLabel(d, { ...input, start, end: start + find.length }, annotator, FIXED_NOW);
        if (state) label.anchor = { state, method: state === 'orphaned' ? 'lost' : 'approximate', fromRev: 1, ...(state === 'fuzzy' ? { score: 0.9 } : {}) };
        d.labels.push(label);
      }
    });
  }
  await (await AnswerStore.open(dataDir)).update((d) => {
    d.questions = structuredClone(QUESTIONS);
    d.answers = structuredClone(ANSWERS);
  });
  return dataDir;
}

/** A test app over the labelled corpus. */
export async function startLabelledApp() {
  return startTestApp({ dataDir: await labelledCorpusDir() });
}
