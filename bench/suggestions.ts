/**
 * Suggestion rules: (1) a 20 KB news article (two seeds joined), warm, median of 15 runs — the
 * target is under 50 ms; (2) adversarial texts at 250 K, 500 K, 1 M and 2 M characters (the
 * document limit) with the ratio between steps. Texts over 300,000 characters use the plain
 * tokenizer instead of the wink-nlp model, and reading stops once 300 suggestions are listed, so
 * a shape that yields suggestions early costs about the same at every size.
 * Times are CPU time of this process (process.cpuUsage), which a busy shared machine inflates
 * less than wall-clock time; the wall-clock median is printed beside it for the article.
 */
import { readFileSync } from 'node:fs';
import { suggestLabels } from '../server/domain/suggestions.js';

const seed = (name: string) => readFileSync(new URL(`../seeds/${name}`, import.meta.url), 'utf8');
const article = `${seed('004_062c31817f8f94f3.txt')}\n\n${seed('003_975f8ef28e3c2c11.txt')}`.slice(0, 20_000);
for (let i = 0; i < 3; i++) suggestLabels(article, []);
const cpu = (f: () => void) => {
  const started = process.cpuUsage();
  f();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
};
const runs: number[] = [];
const walls: number[] = [];
for (let i = 0; i < 15; i++) {
  const started = performance.now();
  runs.push(cpu(() => suggestLabels(article, [])));
  walls.push(performance.now() - started);
}
runs.sort((a, b) => a - b);
walls.sort((a, b) => a - b);
console.log(`20 KB article (${article.length} chars): median ${runs[7].toFixed(1)} ms CPU (${walls[7].toFixed(1)} ms wall), slowest ${runs.at(-1)!.toFixed(1)} ms CPU (target < 50 ms)\n`);

const SHAPES: Record<string, string> = {
  'X said that… (no sentence end)': 'Bob said that ',
  'quotes with attributions, no line breaks': '“abc def ghi,” Blinken said. ',
  'unclosed quotation marks': '“abc def ghi ',
  'loaded words in every sentence': 'The self-styled regime offered misleading propaganda. ',
  'news-like prose': 'Antony Blinken said on Wednesday that “the path of diplomacy remains open,” officials said. A French official said that the talks would resume. ',
  'text with no suggestions (all quotes labelled)': '“abc def ghi,” Blinken said. Then more text follows here.\n',
};
const SIZES = [250_000, 500_000, 1_000_000, 2_000_000];

console.log('shape'.padEnd(48), SIZES.map((n) => `${n / 1000}K chars`.padStart(14)).join(''), '  ratios per doubling');
for (const [name, unit] of Object.entries(SHAPES)) {
  const times: number[] = [];
  for (const size of SIZES) {
    const text = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    const labels = name.startsWith('text with no suggestions')
      ? Array.from({ length: Math.floor(size / unit.length) }, (_, i) => ({ type: 'direct-quote', start: i * unit.length + 1, end: i * unit.length + 12 }))
      : [];
    times.push(cpu(() => suggestLabels(text, labels)));
  }
  const ratios = times.slice(1).map((t, i) => (t / times[i]).toFixed(2));
  console.log(name.padEnd(48), times.map((t) => `${t.toFixed(0)} ms`.padStart(14)).join(''), ' ', ratios.join(' / '));
}
