/**
 * Statement matching on synthetic corpora of 1k, 2k, 5k and 10k documents: prints the time of each
 * step and the ratio to the previous step. Linear growth shows as a time ratio close to the
 * document ratio (2, 2.5, 2) and a flat time per document; quadratic growth would show ratios of
 * 4, 6.25, 4. Run with `npx tsx bench/compare.ts`.
 *
 * The corpus: ~2.5 KB articles of 22 sentences drawn from a Zipf-distributed vocabulary of 30,000
 * words mixed with English function words; every article also quotes 3 statements from a pool of
 * (documents / 4) statements, each time in a variant (typography, a contraction, a dropped or
 * added word, an ellipsis), and opens two sentences with common phrases ("the United States
 * and its allies", "Russian President Vladimir Putin") that must not cluster.
 */
import { findStatements } from '../server/domain/compare/statements.js';
import type { CorpusDocument } from '../server/domain/compare/types.js';
import { prng as rng } from '../tests/helpers/prng.js';


const random = rng(42);
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ber', 'dan', 'gor', 'lin', 'mar', 'pel', 'ros', 'tun', 'zel', 'fi', 'qua', 'dre'];
const FUNCTION_WORDS = ['the', 'of', 'and', 'to', 'in', 'a', 'that', 'is', 'for', 'on', 'with', 'as', 'by', 'it', 'was', 'at', 'from', 'be', 'has', 'will'];
const VOCAB = Array.from({ length: 30000 }, (_, i) => {
  let w = '';
  for (let n = i + 7; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
  return w;
});
// Zipf (s = 1) by inverse transform over the cumulative harmonic weights.
const CUMULATIVE = (() => {
  const c = new Float64Array(VOCAB.length);
  let sum = 0;
  for (let i = 0; i < VOCAB.length; i++) c[i] = sum += 1 / (i + 1);
  return c.map((x) => x / sum);
})();
function zipfWord(): string {
  const u = random();
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return VOCAB[lo];
}
const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];

function sentence(words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(random() < 0.45 ? pick(FUNCTION_WORDS) : zipfWord());
  const s = out.join(' ');
  return `${s[0].toUpperCase()}${s.slice(1)}.`;
}

function statement(): string {
  return Array.from({ length: 10 + Math.floor(random() * 10) }, () => (random() < 0.35 ? pick(FUNCTION_WORDS) : zipfWord())).join(' ');
}

/** One rendering of a statement: as is, or with one of the variations matching must see through. */
function variant(s: string): string {
  const words = s.split(' ');
  switch (Math.floor(random() * 5)) {
    case 0: return s;
    case 1: words.splice(1 + Math.floor(random() * (words.length - 2)), 1); return words.join(' ');
    case 2: words.splice(1 + Math.floor(random() * (words.length - 2)), 0, zipfWord()); return words.join(' ');
    case 3: return `${words.slice(0, Math.ceil(words.length / 2)).join(' ')} ... ${words.slice(Math.ceil(words.length / 2) + 2).join(' ')}`;
    default: return words.map((w, i) => (i === 2 ? `${w.slice(0, 2)}-${w.slice(2)}` : w)).join(' ');
  }
}

function corpus(n: number): CorpusDocument[] {
  const pool = Array.from({ length: Math.max(1, Math.floor(n / 4)) }, statement);
  return Array.from({ length: n }, (_, d) => {
    const paras: string[] = [];
    for (let i = 0; i < 22; i++) paras.push(sentence(8 + Math.floor(random() * 18)));
    for (let q = 0; q < 3; q++) paras.splice(3 + q * 6, 0, `“${variant(pick(pool))},” ${zipfWord()} said.`);
    paras.push(`The United States and its allies ${sentence(8).toLowerCase()}`, `Russian President Vladimir Putin ${sentence(8).toLowerCase()}`);
    return { id: `d${d}`, title: `Document ${d}`, outlet: `Outlet ${d % 40}`, rev: 1, text: paras.join('\n\n'), labels: [] };
  });
}

// Warm-up, so the first measured step does not pay for compiling the hot functions.
findStatements(corpus(300));

const sizes = (process.env.SIZES ?? "1000,2000,5000,10000").split(",").map(Number);
console.log('docs    passages  candidates  matches  statements   time (s)  ms/doc  ratio  (docs ratio)   passages / candidates+align / build (s)');
let previous: { n: number; s: number } | null = null;
for (const n of sizes) {
  const docs = corpus(n);
  (globalThis as { gc?: () => void }).gc?.();
  const started = performance.now();
  const { stats } = findStatements(docs);
  const seconds = (performance.now() - started) / 1000;
  const ratio = previous ? (seconds / previous.s).toFixed(2) : '—';
  const docsRatio = previous ? (n / previous.n).toFixed(2) : '—';
  const phases = [stats.ms.passages, stats.ms.candidatesAndAlign, stats.ms.build].map((ms) => (ms / 1000).toFixed(2)).join(' / ');
  console.log(
    `${String(n).padEnd(7)} ${String(stats.passages).padStart(8)}  ${String(stats.candidatePairs).padStart(10)}  ${String(stats.matches).padStart(7)}  ${String(stats.clusters).padStart(10)}  ${seconds.toFixed(2).padStart(9)}  ${((seconds * 1000) / n).toFixed(2).padStart(6)}  ${ratio.padStart(5)}  (${docsRatio})         ${phases}`,
  );
  previous = { n, s: seconds };
}
