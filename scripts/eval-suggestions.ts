/**
 * `npm run eval`: the suggestion rules against the hand-labelled gold in tests/fixtures/attribution/,
 * on the dev half (the rules were tuned on it) and the held-out half (never tuned on).
 * `--verbose` lists misses and false suggestions per file; `--split dev|heldout` limits the run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suggestLabels } from '../server/domain/suggestions.js';
import { emptyScores, figures, score, type GoldLabel } from '../server/domain/suggestions/evaluation.js';

const DIR = fileURLToPath(new URL('../tests/fixtures/attribution/', import.meta.url));
const verbose = process.argv.includes('--verbose');
const only = process.argv.includes('--split') ? process.argv[process.argv.indexOf('--split') + 1] : undefined;
/** Opinion suggestions are counted from this confidence up (the reviewer's default filter). */
const MIN_CONFIDENCE = Number(process.env.MIN_CONFIDENCE ?? 0);

/** `l*` files are the second held-out batch of longer texts (500-570 words); `set` limits a run to them or to the others. */
export function evaluate(split: string, log = false, set?: 'long' | 'short') {
  const scores = emptyScores();
  const inSet = (f: string) => set === undefined || (set === 'long') === f.startsWith('l');
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json') && !f.startsWith('seeds.') && inSet(f))) {
    const gold = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { text: string; split: string; labelledUntil?: number; labels: GoldLabel[] };
    if (gold.split !== split) continue;
    const text = readFileSync(join(DIR, gold.text), 'utf8');
    const suggestions = suggestLabels(text, []).filter((s) => s.confidence >= MIN_CONFIDENCE && s.start < (gold.labelledUntil ?? Infinity));
    score(scores, gold.labels, suggestions);
    if (log) {
      const ov = (a: { start: number; end: number }, b: { start: number; end: number }) => Math.min(a.end, b.end) > Math.max(a.start, b.start);
      for (const g of gold.labels) {
        const s = suggestions.find((x) => x.type === g.type && ov(x, g));
        if (!s) console.log(`  MISS ${file} ${g.type} «${g.text.slice(0, 70)}»`);
        else if (g.type !== 'opinion' && (g.sourcing !== s.sourcing || !s.speaker || !g.speaker?.split(' ').some((w) => s.speaker!.includes(w)))) console.log(`  SPK  ${file} ${g.type} «${g.text.slice(0, 40)}» gold ${g.speaker}/${g.sourcing} got ${s.speaker}/${s.sourcing}`);
      }
      for (const s of suggestions) if (!gold.labels.some((g) => g.type === s.type && ov(s, g))) console.log(`  FALSE ${file} ${s.type} «${s.exact.slice(0, 70)}» (${s.rule})`);
    }
  }
  return figures(scores);
}

const pct = (x: number) => x.toFixed(2);
if (process.argv[1]?.endsWith('eval-suggestions.ts')) {
  const runs = [
    { split: 'dev', set: undefined, title: 'dev half (the five seeds + ten texts; rules tuned on these)' },
    { split: 'heldout', set: undefined, title: 'held-out half, all twenty texts (never tuned on)' },
    { split: 'heldout', set: 'short', title: '  of which h01-h10 (230-320 words)' },
    { split: 'heldout', set: 'long', title: '  of which l01-l10 (500-570 words, second batch)' },
  ] as const;
  for (const { split, set, title } of runs.filter((r) => !only || r.split === only)) {
    // Per-file listings only for the dev half: the held-out texts must not be tuned on.
    const f = evaluate(split, verbose && split === 'dev', set);
    console.log(`\n${title}`);
    console.log('type            suggested gold  P(overlap) R(overlap) P(exact) R(exact)');
    for (const [name, t] of [['direct quotes', f.quotes], ['reported claims', f.claims], ['opinion', f.opinion]] as const) {
      console.log(`${name.padEnd(16)}${String(t.suggested).padStart(9)}${String(t.gold).padStart(5)}  ${pct(t.precision).padStart(10)} ${pct(t.recall).padStart(10)} ${pct(t.exactPrecision).padStart(8)} ${pct(t.exactRecall).padStart(8)}`);
    }
    console.log(`speaker accuracy ${pct(f.speaker)} (of ${f.speakerOf} found quotes and claims); sourcing accuracy ${pct(f.sourcing)} (of ${f.sourcingOf}); anonymous marked anonymous ${pct(f.anonymous)} (of ${f.anonymousOf})`);
  }
}
