/**
 * `npx tsx bench/index-update.ts`: what one change to one document costs the statement index
 * (server/domain/compare/statement-index.ts) once it holds INDEX_UPDATE_DOCS (default 10,000)
 * generated news-like articles (bench/news-corpus.ts), added 500 at a time as the compare service
 * does. Three kinds of change, each on ROUNDS (default 20) different documents, one at a time:
 * - a label save: a label added over one of the document's quotations (its text unchanged);
 * - a label moved: the label just added replaced by one over another quotation;
 * - a revision: one sentence in the middle of the text rewritten.
 * For each: the update (`update`, the document's contribution computed in it, as for a short text
 * in the service) and the statements formed again (`clusters()`), in ms (median and max), with the
 * pairs judged and aligned and the passages taken out and put in per update. The index is then
 * checked against a fresh build over the same documents (exits non-zero when they differ).
 * Figures on a shared machine are noisy: run the before and after versions one after the other and
 * give the load average.
 */
import { StatementIndex } from '../server/domain/compare/statement-index.js';
import type { CorpusDocument } from '../server/domain/compare/types.js';
import type { Label } from '../server/domain/types.js';
import { prng } from '../tests/helpers/prng.js';
import { article } from './news-corpus.js';

const N = Number(process.env.INDEX_UPDATE_DOCS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const CHECK = process.env.CHECK !== '0';

const rand = prng(1);
const docs = new Map<string, CorpusDocument>();
for (let i = 0; i < N; i++) {
  const a = article(i, rand);
  const id = `doc-${String(i).padStart(6, '0')}`;
  docs.set(id, { id, title: a.title, outlet: a.outlet, publishedAt: a.publishedAt, rev: 1, text: a.text, labels: [] });
}

function label(id: string, start: number, end: number, speaker: string): Label {
  return { id, type: 'direct-quote', start, end, rev: 1, quote: { exact: '', prefix: '', suffix: '' }, speaker, annotator: 'bench', createdAt: 'x', updatedAt: 'x', anchor: { state: 'exact', method: 'created', fromRev: 1 } };
}

/** The UTF-16 ranges of the quotations of a text (“…”). */
function quotations(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let at = text.indexOf('“'); at >= 0; at = text.indexOf('“', at + 1)) {
    const end = text.indexOf('”', at);
    if (end > at) out.push([at + 1, end]);
  }
  return out;
}

const t0 = performance.now();
const index = new StatementIndex();
const all = [...docs.values()];
for (let at = 0; at < all.length; at += 500) index.update(all.slice(at, at + 500).map((doc) => ({ id: doc.id, doc })));
index.clusters();
console.log(
  `index over ${N.toLocaleString('en')} articles built in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${index.passageTotal.toLocaleString('en')} passages, ${index.matchCount.toLocaleString('en')} matches, ${index.clusters().length.toLocaleString('en')} statements`,
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
type Stats = { pairsJudged: number; aligned: number; passagesRemoved?: number; passagesAdded?: number };

function run(name: string, change: (doc: CorpusDocument, round: number) => CorpusDocument) {
  const updateMs: number[] = [];
  const clustersMs: number[] = [];
  const stats: Stats[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const id = `doc-${String(Math.floor((r * 7919 + 13) % N)).padStart(6, '0')}`;
    const doc = change(docs.get(id)!, r);
    docs.set(id, doc);
    let t = performance.now();
    const s = index.update([{ id, doc }]) as Stats;
    updateMs.push(performance.now() - t);
    t = performance.now();
    index.clusters();
    clustersMs.push(performance.now() - t);
    stats.push(s);
  }
  const avg = (f: (s: Stats) => number | undefined) => (stats.reduce((n, s) => n + (f(s) ?? NaN), 0) / stats.length).toFixed(0);
  console.log(
    `${name}: update ${median(updateMs).toFixed(1)} ms median (max ${Math.max(...updateMs).toFixed(1)}), statements formed again ${median(clustersMs).toFixed(1)} ms median (max ${Math.max(...clustersMs).toFixed(1)}); per update ${avg((s) => s.pairsJudged)} pairs judged, ${avg((s) => s.aligned)} aligned, passages out/in ${avg((s) => s.passagesRemoved)}/${avg((s) => s.passagesAdded)}`,
  );
}

let labels = 0;
run('label save (a quotation labelled, text unchanged)', (doc) => {
  const [start, end] = quotations(doc.text)[2];
  return { ...doc, labels: [...doc.labels, label(`l${labels++}`, start, end, 'Ana Silva')] };
});
run('label moved (that label now over another quotation)', (doc) => {
  const [start, end] = quotations(doc.text)[4];
  return { ...doc, labels: [...doc.labels.slice(0, -1), label(`l${labels++}`, start, end, 'Ben Okoro')] };
});
run('revision (one sentence in the middle rewritten)', (doc, r) => {
  const at = doc.text.indexOf('. ', Math.floor(doc.text.length / 2));
  const next = doc.text.indexOf('.', at + 2);
  const text = `${doc.text.slice(0, at + 2)}Officials said round ${r} of the talks ended without a deal${doc.text.slice(next)}`;
  return { ...doc, rev: doc.rev + 1, text, labels: [] };
});

if (CHECK) {
  const fresh = new StatementIndex();
  const now = [...docs.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (let at = 0; at < now.length; at += 500) fresh.update(now.slice(at, at + 500).map((doc) => ({ id: doc.id, doc })));
  const same = JSON.stringify(fresh.clusters()) === JSON.stringify(index.clusters()) && fresh.matchCount === index.matchCount;
  console.log(same ? 'the updated index equals a fresh build' : 'WRONG: the updated index differs from a fresh build');
  if (!same) process.exitCode = 1;
}
