// A benchmark app: N functions (ZS_BENCH_FUNCTIONS, default 1000), each with an HTTP trigger and an idle-zero policy.
import { App, ServerlessFunction } from "zeroscale";

const n = Number(process.env["ZS_BENCH_FUNCTIONS"] ?? "1000");
export const app = new App({ name: "bench" });
for (let i = 0; i < n; i++) {
  const fn = new ServerlessFunction(app, `fn${i}`, { image: "registry.example.com/bench/fn:1.0.0" });
  fn.addTrigger("http", { http: { path: `/fn${i}` } });
  fn.addScalingPolicy({ minInstances: 0, maxInstances: 10, idleTimeout: "90s" });
}
