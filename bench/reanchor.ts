/**
 * Re-anchoring 500 labels through a revision of a 200 KB text with 50 scattered word edits:
 * Framewise (bounded diff, then quote search only for the labels whose text was edited) against a
 * Hypothesis-style approach (no diff: every label's TextQuoteSelector searched in the new text,
 * exact first, else approximate over the whole text, scored by quote, prefix, suffix and position).
 * Also: a hostile revision (the whole text replaced by unrelated text). Figures from one run.
 * Run: npx tsx bench/reanchor.ts
 */
import approxSearch from 'approx-string-match';
import { computeChangeMap } from '../server/domain/reanchor/bounded-diff.js';
import { reanchorLabels } from '../server/domain/reanchor/reanchor.js';
import { quoteOf } from '../server/domain/labels.js';
import type { Label, TextQuote } from '../server/domain/types.js';
import { bigFixture, prng, type ExpectedLabel } from '../tests/fixtures/reanchor/big-document.js';

const RUNS = 5;

function labelsOf(text: string, planned: { id: string; start: number; end: number }[]): Label[] {
  return planned.map((p) => ({
    id: p.id, type: 'opinion', start: p.start, end: p.end, rev: 1, quote: quoteOf(text, p.start, p.end),
    annotator: 'bench', createdAt: '', updatedAt: '', anchor: { state: 'exact', method: 'created', fromRev: 1 },
  }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

/** The Hypothesis client's matchQuote, reduced to its scoring: no diff, the whole text searched. */
function hypothesisMatch(text: string, quote: TextQuote, hint: number): { start: number; end: number } | null {
  const exact = quote.exact;
  let matches: { start: number; end: number; errors: number }[] = [];
  for (let i = text.indexOf(exact); i !== -1; i = text.indexOf(exact, i + 1)) matches.push({ start: i, end: i + exact.length, errors: 0 });
  if (matches.length === 0) matches = approxSearch(text, exact, Math.min(256, Math.floor(exact.length / 2)));
  const ctx = (actual: string, stored: string) => {
    if (!stored) return 1;
    const m = approxSearch(actual, stored, stored.length);
    return m.length ? 1 - m[0].errors / stored.length : 0;
  };
  let best: { start: number; end: number; score: number } | null = null;
  for (const m of matches) {
    const q = 1 - m.errors / exact.length;
    const p = ctx(text.slice(Math.max(0, m.start - quote.prefix.length), m.start), quote.prefix);
    const s = ctx(text.slice(m.end, m.end + quote.suffix.length), quote.suffix);
    const pos = 1 - Math.abs(m.start - hint) / text.length;
    const score = (50 * q + 20 * p + 20 * s + 2 * pos) / 92;
    if (!best || score > best.score) best = { start: m.start, end: m.end, score };
  }
  return best;
}

function accuracy(got: { id: string; start: number; end: number }[], expected: ExpectedLabel[]): number {
  return got.filter((g, i) => g.start === expected[i].start && g.end === expected[i].end).length;
}

const fx = bigFixture();
const labels = labelsOf(fx.oldText, fx.labels);
console.log(`text: ${fx.oldText.length.toLocaleString('en')} -> ${fx.newText.length.toLocaleString('en')} UTF-16 units, ${labels.length} labels, ${fx.edits} scattered word edits; median of ${RUNS} runs`);

const ours = time(() => {
  const map = computeChangeMap(fx.oldText, fx.newText);
  return reanchorLabels(labels, { oldText: fx.oldText, newText: fx.newText, fromRev: 1, toRev: 2 }, map);
});
const diffOnly = time(() => computeChangeMap(fx.oldText, fx.newText));
const hyp = time(() => labels.map((l) => ({ id: l.id, ...(hypothesisMatch(fx.newText, l.quote, l.start) ?? { start: -1, end: -1 }) })));

const oursRight = accuracy(ours.result.labels, fx.expected);
const hypRight = accuracy(hyp.result, fx.expected);
console.log(`framewise (diff + quote search for edited spans): ${ours.ms.toFixed(1)} ms (of which the diff ${diffOnly.ms.toFixed(1)} ms); counts ${JSON.stringify(ours.result.report.counts)}; ${oursRight}/${labels.length} at the expected offsets`);
console.log(`hypothesis-style (quote search for every label, no diff): ${hyp.ms.toFixed(1)} ms; ${hypRight}/${labels.length} at the expected offsets`);
console.log(`ratio: hypothesis-style / framewise = ${(hyp.ms / ours.ms).toFixed(2)}x`);

// The named fixtures (tests/fixtures/reanchor/*.json): where each approach puts every label.
{
  const { readdirSync, readFileSync } = await import('node:fs');
  const { normalizeText } = await import('../server/domain/text.js');
  const dir = 'tests/fixtures/reanchor';
  let total = 0;
  let oursRight = 0;
  let hypRight = 0;
  const hypWrong: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const fx2 = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as { old: string; new: string; normalizeNew?: boolean; labels: { id: string; exact: string; occurrence?: number }[]; expect: { id: string; state: string; start: number; end: number }[] };
    const newText = fx2.normalizeNew ? normalizeText(fx2.new) : fx2.new;
    const planned = fx2.labels.map((l) => {
      let start = -1;
      for (let k = 0; k <= (l.occurrence ?? 0); k++) start = fx2.old.indexOf(l.exact, start + 1);
      return { id: l.id, start, end: start + l.exact.length };
    });
    const ls = labelsOf(fx2.old, planned);
    const ours2 = reanchorLabels(ls, { oldText: fx2.old, newText, fromRev: 1, toRev: 2 }, computeChangeMap(fx2.old, newText)).labels;
    for (const [i, e] of fx2.expect.entries()) {
      total++;
      if (ours2[i].start === e.start && ours2[i].end === e.end) oursRight++;
      const h = hypothesisMatch(newText, ls[i].quote, ls[i].start);
      const hypOk = e.state === 'orphaned' ? h === null : h !== null && h.start === e.start && h.end === e.end;
      if (hypOk) hypRight++;
      else hypWrong.push(`${f.replace('.json', '')}/${e.id}: expected ${e.state === 'orphaned' ? 'orphaned' : `${e.start}-${e.end}`}, got ${h ? `${h.start}-${h.end} "${newText.slice(h.start, h.end)}"` : 'nothing'}`);
    }
  }
  console.log(`named fixtures: framewise ${oursRight}/${total} labels as expected; hypothesis-style ${hypRight}/${total}`);
  for (const w of hypWrong) console.log(`  hypothesis-style ${w}`);
}

const rand = prng(5);
const unrelated = Array.from({ length: 32_000 }, () => 'zu' + Math.floor(rand() * 7000)).join(' ');
const hostile = time(() => {
  const map = computeChangeMap(fx.oldText, unrelated);
  return { map, out: reanchorLabels(labels, { oldText: fx.oldText, newText: unrelated, fromRev: 1, toRev: 2 }, map) };
});
console.log(
  `hostile revision (whole text replaced by ${unrelated.length.toLocaleString('en')} units of unrelated text): ${hostile.ms.toFixed(1)} ms, diff precision "${hostile.result.map.precision}", counts ${JSON.stringify(hostile.result.out.report.counts)}`,
);

// The same hostile revision through the HTTP API (worker thread, fsynced write), with a request
// to another endpoint sent every few milliseconds meanwhile.
{
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { DocumentStore } = await import('../server/store/document-store.js');
  const { ProjectStore } = await import('../server/store/project-store.js');
  const { createApp } = await import('../server/app.js');
  const { makeLabel } = await import('../server/domain/labels.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'framewise-bench-'));
  const store = await DocumentStore.open(dataDir);
  const { benchAuth } = await import('./bench-auth.js');
  const auth = await benchAuth(dataDir);
  const app = createApp({ store, project: await ProjectStore.open(dataDir), users: auth.users, team: auth.team });
  const server = app.listen(0);
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const post = async (text: string) =>
    ((await (await fetch(`${base}/api/documents`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth.authorization }, body: JSON.stringify({ title: 'Bench', text }) })).json()) as { id: string }).id;
  for (const round of ['first (worker starts)', 'second (worker warm)']) {
    const id = await post(fx.oldText);
    await store.update(id, (d) => {
      for (const p of fx.labels) d.labels.push(makeLabel(d, { id: p.id, type: 'opinion', start: p.start, end: p.end }, 'bench', ''));
    });
    let done = false;
    let answered = 0;
    let slowest = 0;
    const t0 = performance.now();
    const put = fetch(`${base}/api/documents/${id}/text`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: auth.authorization }, body: JSON.stringify({ text: unrelated, baseRev: 1 }) }).then(
      async (r) => {
        await r.arrayBuffer();
        done = true;
        return r.status;
      },
    );
    while (!done) {
      const g0 = performance.now();
      await (await fetch(`${base}/api/documents/${id}/revisions`, { headers: { authorization: auth.authorization } })).arrayBuffer();
      if (!done) {
        answered++;
        slowest = Math.max(slowest, performance.now() - g0);
      }
    }
    const status = await put;
    console.log(`HTTP PUT of the hostile revision, ${round}: ${status} in ${(performance.now() - t0).toFixed(0)} ms; ${answered} other requests answered meanwhile, the slowest in ${slowest.toFixed(1)} ms`);
  }
  server.close();
  await rm(dataDir, { recursive: true, force: true });
}
