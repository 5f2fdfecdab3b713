/** Geometry of a small line chart of one share per outlet over months, drawn as SVG by a template (user units). */
export interface MonthChart {
  width: number;
  height: number;
  months: { label: string; x: number }[];
  series: { outlet: string; color: string; points: { x: number; y: number; month: string; text: string }[]; path: string }[];
  gridY: { y: number; label: string }[];
}

/** Colour-blind-safe palette (Okabe–Ito); outlets past the eighth reuse it. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/**
 * One line per outlet through its monthly values (0-1 shares); months without a value (no
 * document, or a share of nothing) break nothing: the line joins the months that have one.
 */
export function monthChart(points: { outlet: string; month: string; value: number | null; text: string }[], options: { width?: number; height?: number } = {}): MonthChart {
  const { width = 560, height = 180 } = options;
  const left = 40;
  const right = 10;
  const top = 10;
  const bottom = 24;
  const months = [...new Set(points.map((p) => p.month))].filter((m) => m !== 'undated').sort();
  const step = months.length > 1 ? (width - left - right) / (months.length - 1) : 0;
  const xOf = (m: string) => left + (months.length > 1 ? months.indexOf(m) * step : (width - left - right) / 2);
  const yOf = (v: number) => top + (1 - v) * (height - top - bottom);
  const outlets = [...new Set(points.map((p) => p.outlet))];
  return {
    width,
    height,
    months: months.map((m) => ({ label: m, x: xOf(m) })),
    gridY: [0, 0.5, 1].map((v) => ({ y: yOf(v), label: `${v * 100}%` })),
    series: outlets.map((outlet, i) => {
      const pts = points
        .filter((p) => p.outlet === outlet && p.month !== 'undated' && p.value !== null)
        .sort((a, b) => a.month.localeCompare(b.month))
        .map((p) => ({ x: round(xOf(p.month)), y: round(yOf(p.value!)), month: p.month, text: p.text }));
      return { outlet, color: PALETTE[i % PALETTE.length], points: pts, path: pts.map((p, j) => `${j ? 'L' : 'M'}${p.x} ${p.y}`).join(' ') };
    }),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
