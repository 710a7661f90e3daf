// One in-process synth measurement (run in a fresh process per size): N functions, each with an HTTP
// trigger and an idle-zero policy -> graph -> Knative YAML. Prints JSON: phase times (ms), peak RSS (MB).
import { performance } from "node:perf_hooks";
import { App, ServerlessFunction, synth } from "../lib/index.js";
import { knative } from "../providers/knative/index.js";

const n = Number(process.argv[2] ?? "1000");
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const t0 = performance.now();
const app = new App({ name: "bench" });
for (let i = 0; i < n; i++) {
  const fn = new ServerlessFunction(app, `fn${i}`, { image: "registry.example.com/bench/fn:1.0.0" });
  fn.addTrigger("http", { http: { path: `/fn${i}` } });
  fn.addScalingPolicy({ minInstances: 0, maxInstances: 10, idleTimeout: "90s" });
}
const t1 = performance.now();
const graph = synth(app);
const t2 = performance.now();
const backend = knative();
const plan = backend.compile(graph);
const t3 = performance.now();
const files = backend.artifacts(plan);
const t4 = performance.now();
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sample);
const bytes = files.reduce((s, f) => s + f.content.length, 0);
console.log(JSON.stringify({ n, construct: t1 - t0, synth: t2 - t1, compile: t3 - t2, yaml: t4 - t3, total: t4 - t0, peakRssMb: peak / 2 ** 20, yamlBytes: bytes }));
