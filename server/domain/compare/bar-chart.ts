/** Geometry of a horizontal bar chart drawn as SVG by a template: user units, labels as text. */
export interface BarChart {
  width: number;
  height: number;
  labelWidth: number;
  bars: { label: string; valueText: string; cls: string; y: number; textY: number; width: number; valueX: number }[];
}

export interface BarInput {
  label: string;
  value: number;
  /** Shown after the bar; the value itself when omitted. */
  valueText?: string;
  /** CSS class of the bar, which sets its colour (the palette lives in the stylesheet). */
  cls?: string;
}

/**
 * Lays out one bar per item. Bars scale to `max` (the largest value when omitted), so shares of a
 * whole can be drawn against 100%. A zero value gets no bar but keeps its label and value.
 */
export function barChart(items: BarInput[], options: { max?: number; width?: number; labelWidth?: number; barHeight?: number; gap?: number } = {}): BarChart {
  const { width = 420, labelWidth = 130, barHeight = 18, gap = 8 } = options;
  const max = options.max ?? Math.max(0, ...items.map((i) => i.value));
  const room = width - labelWidth - 60;
  return {
    width,
    height: items.length * (barHeight + gap) + gap,
    labelWidth,
    bars: items.map((item, i) => {
      const y = gap + i * (barHeight + gap);
      const w = max > 0 ? Math.round((item.value / max) * room * 10) / 10 : 0;
      return {
        label: item.label,
        valueText: item.valueText ?? String(item.value),
        cls: item.cls ?? 'bar-default',
        y,
        textY: y + barHeight * 0.72,
        width: w,
        valueX: labelWidth + w + 6,
      };
    }),
  };
}
