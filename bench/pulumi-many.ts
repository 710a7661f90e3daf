// deploy(app, knative()) of N functions under Pulumi mocks: time until every resource is registered.
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { App, ServerlessFunction } from "../lib/index.js";
import { knative } from "../providers/knative/index.js";
import { deploy } from "../providers/pulumi/index.js";

const n = Number(process.argv[2] ?? "1000");
let registered = 0;
await pulumi.runtime.setMocks({ newResource: (a) => (registered++, { id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "bench", "bench");
const app = new App({ name: "bench" });
for (let i = 0; i < n; i++) {
  const fn = new ServerlessFunction(app, `fn${i}`, { image: "registry.example.com/bench/fn:1.0.0" });
  fn.addTrigger("http", { http: { path: `/fn${i}` } });
  fn.addScalingPolicy({ minInstances: 0, maxInstances: 10, idleTimeout: "90s" });
}
const t0 = performance.now();
const d = deploy(app, knative());
const all = [d.app, ...Object.values(d.functions), ...Object.values(d.resources)];
await new Promise((resolve) => pulumi.all(all.map((r) => r.urn)).apply(resolve));
const t1 = performance.now();
console.log(JSON.stringify({ n, resources: all.length, registered, ms: t1 - t0 }));
