// Secret values set for every app and backend must never appear in plain text: not in the graph, the
// YAML, the plans, the Pulumi inputs (except as Pulumi secrets), nor in the logs of `zeroscale dev`.
import { Writable } from "node:stream";
import * as pulumi from "@pulumi/pulumi";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { deploy } from "zeroscale/pulumi";
import { docker } from "zeroscale/providers/docker";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import { app as hello } from "../examples/hello/app.js";
import { app as orders } from "../examples/orders/app.js";
import { Gateway, ProcessDriver } from "../runtime/index.js";
import { referenceApp } from "./conformance/reference-app.js";
import { FIXTURES } from "./support/gateway.js";

const VALUE = "zs-SECRET-value-7f3a91";

function secretApp(): App {
  const app = new App({ name: "sec" });
  const fn = new ServerlessFunction(app, "fn", { code: { path: "functions", handler: "echo.js#handler" }, secrets: { API_TOKEN: { secret: "sec-api", key: "token" } } });
  fn.addTrigger("http", { http: { path: "/fn" } });
  const worker = new ServerlessFunction(app, "worker", { image: "registry.example.com/sec/worker:1.0.0", secrets: { DB_URL: { secret: "sec-db", key: "url" } } });
  worker.addTrigger("q", { queue: { broker: "rabbitmq", connection: { secret: "sec-mq", key: "uri" }, name: "jobs" } });
  return app;
}

const secrets = { "sec-api": { token: VALUE }, "sec-db": { url: VALUE }, "sec-mq": { uri: VALUE }, "ref-db": { url: VALUE } };
const apps = () => [hello, orders, referenceApp(), secretApp()];

describe("secrets never leak", () => {
  it("not into graphs, YAML or plans of any backend", () => {
    for (const app of apps()) {
      const graph = synth(app);
      expect(JSON.stringify(graph)).not.toContain(VALUE);
      for (const backend of [knative({ registry: "r.example.com/s" }), keda({ registry: "r.example.com/s" })]) {
        for (const f of backend.artifacts(backend.compile(graph))) expect(f.content, `${backend.name} ${f.path}`).not.toContain(VALUE);
      }
      try {
        const d = docker();
        for (const f of d.artifacts(d.compile(graph))) expect(f.content, `docker ${f.path}`).not.toContain(VALUE);
      } catch (e) {
        expect((e as Error).name).toBe("BackendError"); // secretApp's secret queue connection is refused by docker()
      }
    }
  });

  it("into Pulumi inputs only as Pulumi secrets", async () => {
    const inputs: { type: string; name: string; inputs: unknown }[] = [];
    await pulumi.runtime.setMocks({ newResource: (a) => (inputs.push(a), { id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "p", "s");
    const k = deploy(secretApp(), keda({ registry: "r.example.com/s" }), { secrets, baseDir: FIXTURES });
    const dk = deploy(referenceApp(), docker(), { secrets });
    const outputs = [...Object.values(k.secrets), ...Object.values(dk.containers), ...Object.values(k.resources)].map((r) => r.urn);
    await new Promise((r) => pulumi.all(outputs).apply(r));
    const holders = inputs.filter((i) => JSON.stringify(i.inputs).includes(VALUE)).map((i) => i.type);
    expect(new Set(holders)).toEqual(new Set(["kubernetes:core/v1:Secret", "docker:index/container:Container"]));
    for (const s of Object.values(k.secrets)) expect(await (s.stringData as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
    const withSecret = Object.entries(dk.containers).filter(([n]) => n.startsWith("ref-ref-api-"));
    expect(withSecret.length).toBeGreaterThan(0);
    for (const [, c] of withSecret) expect(await (c.envs as unknown as { isSecret: Promise<boolean> }).isSecret).toBe(true);
  });

  it("not into the logs of zeroscale dev, even though instances receive the value", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    const app = new App({ name: "devsec" });
    const fn = new ServerlessFunction(app, "fn", { code: { path: "functions", handler: "echo.js#handler" }, secrets: { API_TOKEN: { secret: "sec-api", key: "token" }, MISSING: { secret: "nope", key: "k" } } });
    fn.addTrigger("http", { http: { path: "/fn" } });
    const gateway = new Gateway(synth(app), { driver: new ProcessDriver(FIXTURES), port: 0, adminPort: 0, secrets, logger: pino({ level: "debug" }, sink) });
    await gateway.start();
    try {
      const res = await fetch(`${gateway.url}/fn?env=API_TOKEN`);
      expect(await res.json()).toEqual({ value: VALUE }); // the instance has it...
      const status = await (await fetch(`${gateway.adminUrl}/status`)).text();
      const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
      expect(status + metrics).not.toContain(VALUE);
    } finally {
      await gateway.stop();
    }
    expect(lines.join("")).toContain("secret value not provided for dev");
    expect(lines.join("")).not.toContain(VALUE); // ...the logs never
  });
});
