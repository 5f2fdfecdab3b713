/**
 * Suggestion rules over adversarial texts: time at 250 K, 500 K, 1 M and 2 M characters (the
 * document limit) and the ratio between steps; linear rules give about 2× per doubling.
 */
import { suggestLabels } from '../server/domain/suggestions.js';

const SHAPES: Record<string, string> = {
  'X said that… (no sentence end)': 'Bob said that ',
  'quotes with attributions, no line breaks': '“abc def ghi,” Blinken said. ',
  'unclosed quotation marks': '“abc def ghi ',
  'loaded words in every sentence': 'The self-styled regime offered misleading propaganda. ',
  'news-like prose': 'Antony Blinken said on Wednesday that “the path of diplomacy remains open,” officials said. A French official said that the talks would resume. ',
};
const SIZES = [250_000, 500_000, 1_000_000, 2_000_000];

console.log('shape'.padEnd(44), SIZES.map((n) => `${n / 1000}K chars`.padStart(14)).join(''), '  ratios per doubling');
for (const [name, unit] of Object.entries(SHAPES)) {
  const times: number[] = [];
  for (const size of SIZES) {
    const text = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    const started = performance.now();
    suggestLabels(text, []);
    times.push(performance.now() - started);
  }
  const ratios = times.slice(1).map((t, i) => (t / times[i]).toFixed(2));
  console.log(name.padEnd(44), times.map((t) => `${t.toFixed(0)} ms`.padStart(14)).join(''), ' ', ratios.join(' / '));
}
