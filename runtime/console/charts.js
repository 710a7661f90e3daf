// The live charts of a function (uPlot): instances by state, and load (requests/s, in flight, buffered).
import uPlot from "./vendor/uPlot.esm.js";

const COLORS = { ready: "#2e7d32", starting: "#f9a825", draining: "#8e24aa", rps: "#1565c0", inflight: "#00838f", buffered: "#c62828" };

function series(name, label, stroke, fill) {
  return { label, stroke, width: 2, ...(fill ? { fill } : {}), points: { show: false }, value: (_u, v) => (v === null || v === undefined ? "–" : String(Math.round(v * 100) / 100)), key: name };
}

function options(title, width, s) {
  return {
    title,
    width,
    height: 170,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
    axes: [{}, { size: 40 }],
    legend: { live: true },
    series: [{}, ...s],
  };
}

/** A chart of `samples` fields (InstanceSample) in `container`; `update(samples)` redraws it. */
function chart(container, title, fields) {
  const width = Math.max(300, container.clientWidth || 480);
  const empty = [[], ...fields.map(() => [])];
  const plot = new uPlot(options(title, width, fields.map(([name, label, fill]) => series(name, label, COLORS[name], fill))), empty, container);
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, container.clientWidth), height: 170 }));
  resize.observe(container);
  return {
    update(samples) {
      const xs = samples.map((s) => s.at / 1000);
      const ys = fields.map(([name]) => samples.map((s) => s[name]));
      plot.setData([xs, ...ys]);
      // The largest value of each series, readable from the DOM (tests; e.g. data-max-ready="3").
      fields.forEach(([name], i) => (container.dataset[`max${name[0].toUpperCase()}${name.slice(1)}`] = String(Math.max(0, ...ys[i]))));
      container.dataset.points = String(xs.length);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}

/** Instances over time: ready, starting, draining. */
export function instanceChart(container) {
  return chart(container, "instances", [
    ["ready", "ready", "rgba(46,125,50,0.12)"],
    ["starting", "starting"],
    ["draining", "draining"],
  ]);
}

/** Load over time: requests/s (10 s window), in flight, buffered. */
export function loadChart(container) {
  return chart(container, "load", [
    ["rps", "requests/s"],
    ["inflight", "in flight"],
    ["buffered", "buffered"],
  ]);
}
