// Docs rendered from code must not drift: docs/policy.md from the check catalog, docs/backends/README.md
// from the backends' capability tables. Run `npm run docs` after changing either.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BackendError, CHECKS, type DeploymentGraph, type Diagnostic, type DiagnosticCode, suppress, synth, ValidationError } from "zeroscale";
import { renderEventsDoc } from "../lib/events/render.js";
import { renderPolicyDoc } from "../lib/policy/render.js";
import { renderBackendsDoc } from "../providers/capabilities-doc.js";
import { unbuiltErrors } from "../providers/images/image-map.js";
import type { ImageBuild } from "../providers/images/spec.js";
import { BACKEND_NAMES, BACKENDS } from "../providers/registry.js";
import { fnApp, http, redis, type Witness, type Witnesses } from "./support/witness.js";
import { WITNESSES as ACA_WITNESSES } from "./support/witnesses/aca.js";
import { WITNESSES as CLOUDRUN_WITNESSES } from "./support/witnesses/cloudrun.js";
import { WITNESSES as KEDA_WITNESSES } from "./support/witnesses/keda.js";
import { WITNESSES as LAMBDA_WITNESSES } from "./support/witnesses/lambda.js";

const root = new URL("..", import.meta.url).pathname;
const read = (p: string) => readFileSync(join(root, p), "utf8");

describe("generated docs", () => {
  it("docs/policy.md matches the check catalog (run `npm run docs`)", () => {
    expect(read("docs/policy.md")).toBe(renderPolicyDoc());
  });

  it("docs/events.md matches the event contract and the delivery models (run `npm run docs`)", () => {
    expect(read("docs/events.md")).toBe(renderEventsDoc());
  });

  it("docs/backends/README.md matches the backends' capability tables (run `npm run docs`)", () => {
    expect(read("docs/backends/README.md")).toBe(renderBackendsDoc());
  });

  it("each registered backend is what its registry entry says (name, engine, capabilities)", () => {
    for (const name of BACKEND_NAMES) {
      const b = BACKENDS[name].create();
      expect({ name: b.name, engine: b.engine, capabilities: b.capabilities, target: b.target }).toEqual({ name, engine: BACKENDS[name].engine, capabilities: BACKENDS[name].capabilities, target: BACKENDS[name].pulumi });
    }
  });
});

// Every code used in the code is catalogued: Diagnostic.code is DiagnosticCode, the union of the
// catalog's codes, so an uncatalogued code does not compile. What remains to check at run time: each
// code is catalogued once, and each is really produced by some program (no dead catalog entries).
describe("the diagnostic catalog", () => {
  it("lists each code once", () => {
    const codes = CHECKS.map((c) => c.code);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
  });

  it("every catalogued code is produced: by a bad-input program (test/invalid/), or by a witness below", async () => {
    const dir = new URL("./invalid/", import.meta.url);
    const corpus = new Set<string>();
    for (const f of readdirSync(dir).filter((f) => /^\d{3}-.*\.ts$/.test(f))) {
      corpus.add(((await import(new URL(f, dir).href)) as { expected: { code: string } }).expected.code);
    }
    const missing: string[] = [];
    const stale: string[] = [];
    for (const { code, severity } of CHECKS) {
      const witness = WITNESSES[code];
      if (code in UNREACHABLE) continue;
      if (corpus.has(code)) {
        if (witness) stale.push(`${code}: in the corpus, drop its witness`);
        continue;
      }
      if (!witness) {
        missing.push(`${code}: add a test/invalid/ program${severity === "warning" ? " (errors only) or a witness here" : ""}`);
        continue;
      }
      const found = produced(witness);
      if (!found.includes(code)) missing.push(`${code}: its witness produced ${JSON.stringify(found)}`);
    }
    expect(missing).toEqual([]);
    expect(stale).toEqual([]);
  });
});

/** Codes no program can produce, with why (a check kept as a safety net). */
const UNREACHABLE: Partial<Record<DiagnosticCode, string>> = {
  "ZS-NAME-COLLISION": "names carry an 8-hex SHA-256 of the construct path, so two paths colliding is a safety net, not a reachable input",
};

/** A program that produces a code the corpus does not (warnings, mostly): the app, and the backend to compile it with. */
const WITNESSES: Witnesses = {
  ...ACA_WITNESSES,
  ...CLOUDRUN_WITNESSES,
  ...KEDA_WITNESSES,
  ...LAMBDA_WITNESSES,
  "ZS-FN-NO-TRIGGER": { app: fnApp(() => {}) },
  "ZS-SCALING-IDLE-UNUSED": { app: fnApp((fn) => fn.addScalingPolicy({ minInstances: 1, idleTimeout: "5m" })) },
  "ZS-SCALING-COLD-START": { app: fnApp((fn) => fn.addScalingPolicy({ coldStart: { buffer: { maxRequests: 0 } } })) },
  "ZS-POLICY-IMAGE-LATEST": { app: fnApp(() => {}, { image: "registry.example.com/w/fn:latest" }) },
  "ZS-POLICY-IMAGE-DIGEST": { app: fnApp(() => {}, {}, { policy: { requireImageDigest: true } }) },
  "ZS-POLICY-SECURITY-RELAXED": { app: fnApp(() => {}, { security: { readOnlyRootFilesystem: false } }) },
  "ZS-POLICY-BASELINE-OVERLAP": {
    app: fnApp((fn) => fn.addScalingPolicy({ maxInstances: 10, schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 2 }, { start: "0 9 * * *", end: "0 17 * * *", minInstances: 3 }] })),
  },
  "ZS-SUPPRESS-NOT-ALLOWED": { app: fnApp((fn) => suppress(fn, "ZS-FN-PORT", "we know"), { port: 80 }) },
  "ZS-KNATIVE-QUEUE-KAFKA": { backend: "knative", app: fnApp((fn) => fn.addTrigger("k", { queue: { broker: "kafka", connection: { secret: "k", key: "servers" }, name: "t" } })) },
  "ZS-KNATIVE-QUEUE-RABBITMQ-KEY": { backend: "knative", app: fnApp((fn) => fn.addTrigger("r", { queue: { broker: "rabbitmq", connection: { secret: "r", key: "url" }, name: "q" } })) },
  "ZS-KNATIVE-DELIVERY": { backend: "knative", app: fnApp((fn) => fn.addTrigger("q", { queue: { broker: "kafka", connection: "k:9092", name: "t" }, delivery: { backoff: { delay: "250ms" } } })) },
  "ZS-KNATIVE-QUEUE-BATCH": { backend: "knative", app: fnApp((fn) => fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q", batchSize: 10 } })) },
  "ZS-KNATIVE-QUEUE-METRIC": { backend: "knative", app: fnApp((fn) => (redis(fn), fn.addScalingPolicy({ metric: { queueLength: 5 } }))) },
  "ZS-KNATIVE-MEMORY-TARGET": { backend: "knative", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ minInstances: 1, metric: { memory: 70 } }))) },
  "ZS-KNATIVE-HPA-ZERO": { backend: "knative", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ metric: { cpu: 70 } }))) },
  "ZS-KNATIVE-INITIAL-ZERO": { backend: "knative", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ initialInstances: 0 }))) },
  "ZS-KNATIVE-COLD-START": { backend: "knative", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ coldStart: { reject: true } }))) },
  "ZS-KNATIVE-HPA-DOWN-DELAY": { backend: "knative", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ minInstances: 1, metric: { cpu: 70 } }))) },
  "ZS-KNATIVE-HPA-WINDOW": { backend: "knative", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ minInstances: 1, metric: { cpu: 70 }, stableWindow: "2m" }))) },
  "ZS-KNATIVE-IDLE": { backend: "knative", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ idleTimeout: "10s" }))) },
  "ZS-KEDA-IMAGE": { backend: "keda", app: fnApp(() => {}, { image: undefined, build: { context: "fn" } }) },
  "ZS-IMAGE-UNBUILT": {
    backend: "knative",
    options: { registry: "127.0.0.1:5000/zs" },
    app: fnApp(() => {}, { image: undefined, build: { context: "fn" } }),
    after: (plan) => unbuiltErrors(plan.builds ?? [], { program: "app.ts", registry: "127.0.0.1:5000/zs" }),
  },
  "ZS-KEDA-FALLBACK": { backend: "keda", options: { fallback: { failureThreshold: 3, replicas: 2 } }, app: fnApp((fn) => fn.addScalingPolicy({ minInstances: 1, metric: { cpu: 70 } })) },
  "ZS-KEDA-INITIAL": { backend: "keda", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ initialInstances: 3, maxInstances: 5 }))) },
  "ZS-KEDA-QUEUE-METRIC": { backend: "keda", app: fnApp((fn) => (redis(fn), fn.addScalingPolicy({ metric: { concurrency: 5 } }))) },
  "ZS-KEDA-RESOURCE-ZERO": { backend: "keda", app: fnApp((fn) => fn.addScalingPolicy({ metric: { cpu: 70 } })) },
  "ZS-KEDA-HTTP-DOWN-DELAY": { backend: "keda", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ scaleDownDelay: "1m" }))) },
  "ZS-KEDA-HTTP-TARGET": { backend: "keda", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ metric: { concurrency: 3 }, targetUtilizationPercent: 70 }))) },
  "ZS-KEDA-BURST": { backend: "keda", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ burst: { panicThresholdPercent: 300 } }))) },
  "ZS-KEDA-WINDOW": { backend: "keda", app: fnApp((fn) => (http(fn), fn.addScalingPolicy({ stableWindow: "2m" }))) },
  "ZS-KEDA-COLD-START": { backend: "keda", app: fnApp((fn) => (redis(fn), fn.addScalingPolicy({ coldStart: { buffer: { maxRequests: 10 } } }))) },
  "ZS-KEDA-NATS-MONITORING": { backend: "keda", app: fnApp((fn) => fn.addTrigger("n", { queue: { broker: "nats", connection: "nats://n:4222", name: "orders" } })) },
  "ZS-KEDA-HTTP-METHODS": { backend: "keda", app: fnApp((fn) => fn.addTrigger("h", { http: { path: "/", methods: ["GET"] } })) },
  "ZS-DOCKER-QUEUE-BATCH": { backend: "docker", app: fnApp((fn) => fn.addTrigger("q", { queue: { broker: "rabbitmq", connection: "amqp://mq:5672", name: "jobs", batchSize: 10 } })) },
};

/** Every code a witness produces: synth's errors and warnings, then its backend's. */
function produced(w: Witness): string[] {
  const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code as string);
  let graph: DeploymentGraph;
  try {
    graph = synth(w.app());
  } catch (e) {
    if (e instanceof ValidationError) return [...codes(e.errors), ...codes(e.warnings)];
    throw e;
  }
  const out = codes(graph.warnings);
  if (!w.backend) return out;
  try {
    const create = BACKENDS[w.backend].create as (o: Record<string, unknown>) => { compile(g: DeploymentGraph): { warnings: readonly Diagnostic[]; builds?: readonly ImageBuild[] } };
    const plan = create(w.options ?? {}).compile(graph);
    out.push(...codes(plan.warnings));
    if (w.after) out.push(...codes(w.after(plan)));
  } catch (e) {
    if (e instanceof BackendError) out.push(...codes(e.errors));
    else throw e;
  }
  return out;
}
