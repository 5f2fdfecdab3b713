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

export function evaluate(split: string, log = false) {
  const scores = emptyScores();
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json') && !f.startsWith('seeds.'))) {
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
  for (const split of only ? [only] : ['dev', 'heldout']) {
    const f = evaluate(split, verbose);
    console.log(`\n${split === 'dev' ? 'dev half (the five seeds + ten texts; rules tuned on these)' : 'held-out half (ten texts, never tuned on)'}`);
    console.log('type            suggested gold  P(overlap) R(overlap) P(exact) R(exact)');
    for (const [name, t] of [['direct quotes', f.quotes], ['reported claims', f.claims], ['opinion', f.opinion]] as const) {
      console.log(`${name.padEnd(16)}${String(t.suggested).padStart(9)}${String(t.gold).padStart(5)}  ${pct(t.precision).padStart(10)} ${pct(t.recall).padStart(10)} ${pct(t.exactPrecision).padStart(8)} ${pct(t.exactRecall).padStart(8)}`);
    }
    console.log(`speaker accuracy ${pct(f.speaker)} (of ${f.speakerOf} found quotes and claims); sourcing accuracy ${pct(f.sourcing)} (of ${f.sourcingOf}); anonymous marked anonymous ${pct(f.anonymous)} (of ${f.anonymousOf})`);
  }
}
