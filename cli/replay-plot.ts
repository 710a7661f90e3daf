// The SVG of `zeroscale replay --plot`: instances over time per function (desired = starting + ready,
// and ready), drawn by Vega-Lite/Vega in Node (no browser, no canvas: `view.toSVG()`). Deterministic:
// the same series give the same bytes. Vega loads only when a plot is asked for.

/** One function's series, one value per second of the replay (index i = second i + 1). */
export interface PlotSeries {
  readonly fn: string;
  readonly desired: readonly number[];
  readonly ready: readonly number[];
}

/** The points where a step series changes (plus its first and last), for a step-after line. */
function changePoints(values: readonly number[]): { t: number; n: number }[] {
  const out: { t: number; n: number }[] = [];
  values.forEach((n, i) => {
    if (i === 0 || i === values.length - 1 || n !== values[i - 1]) out.push({ t: i + 1, n });
  });
  return out;
}

/** The Vega-Lite spec of the plot (exported for tests). */
export function plotSpec(series: readonly PlotSeries[], title: string): Record<string, unknown> {
  const values = series.flatMap((s) => [
    ...changePoints(s.desired).map((p) => ({ fn: s.fn, series: "desired (starting + ready)", ...p })),
    ...changePoints(s.ready).map((p) => ({ fn: s.fn, series: "ready", ...p })),
  ]);
  const layer = {
    mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "seconds" },
      y: { field: "n", type: "quantitative", title: "instances", axis: { tickMinStep: 1 } },
      color: { field: "series", type: "nominal", title: null, scale: { domain: ["desired (starting + ready)", "ready"], range: ["#4c78a8", "#f58518"] } },
      strokeDash: { field: "series", type: "nominal", title: null, scale: { domain: ["desired (starting + ready)", "ready"], range: [[1, 0], [4, 2]] } },
    },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values },
    facet: { row: { field: "fn", type: "nominal", title: null, sort: series.map((s) => s.fn) } },
    spec: { width: 640, height: 140, ...layer },
    resolve: { scale: { y: "independent" } },
    config: { font: "sans-serif", background: "white", legend: { orient: "bottom", labelLimit: 400 } },
  };
}

/** Render the plot as SVG text. */
export async function plotSvg(series: readonly PlotSeries[], title: string): Promise<string> {
  const [{ compile }, vega] = await Promise.all([import("vega-lite"), import("vega")]);
  const compiled = compile(plotSpec(series, title) as unknown as Parameters<typeof compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.endsWith("\n") ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
