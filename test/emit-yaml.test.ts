// The manifest YAML emitters: the generic one (round trip under YAML 1.1 and 1.2) and the per-kind
// templates of the Kubernetes backends (providers/kubernetes/yaml-templates.ts), which must write
// exactly the generic emitter's bytes (today's output) on every app the repository has, on generated
// apps with awkward strings, and on manifests mutated away from their templates (the fallback).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { App, type DeploymentGraph, EventTrigger, ScalingPolicy, ServerlessFunction, synth } from "zeroscale";
import { keda } from "../providers/keda/index.js";
import { knative } from "../providers/knative/index.js";
import { toYaml } from "../providers/kubernetes/emit-yaml.js";
import type { KubeObject, KubePlan } from "../providers/kubernetes/plan.js";
import { kubeArtifacts } from "../providers/kubernetes/yaml.js";
import { type EmitStats, ManifestTemplates } from "../providers/kubernetes/yaml-templates.js";
import { buildEventsApp } from "../examples/events/app.js";
import { app as hello } from "../examples/hello/app.js";
import { app as images } from "../examples/images/app.js";
import { buildOrdersApp } from "../examples/orders/app.js";
import { buildShop } from "../examples/shop/app.js";
import { referenceApp } from "./conformance/reference-app.js";

const normalize = (v: unknown) => JSON.parse(JSON.stringify(v));
const REGISTRY = { registry: "registry.example.com/x" };
/** Every Kubernetes backend configuration whose output differs in shape. */
const BACKENDS = [
  knative(REGISTRY),
  knative({ ...REGISTRY, namespace: "yes", domain: "on.example.com", gateway: { name: "null" } }),
  keda(REGISTRY),
  keda({ ...REGISTRY, queueDelivery: "pull", fallback: { failureThreshold: 3, replicas: 2 }, initialCooldownPeriod: 5 }),
];

/** Today's output: the generic emitter over each manifest, one file per function (the previous kubeArtifacts). */
function reference(plan: KubePlan): Map<string, string> {
  const byOwner = new Map<string, string[]>();
  for (const r of plan.resources) byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), toYaml(r.manifest as unknown as Record<string, unknown>)]);
  return new Map(plan.functions.map((f) => [`manifests/${f.name}.yaml`, `---\n${(byOwner.get(f.id) ?? []).join("---\n")}`]));
}

/** Compile `graph` with every Kubernetes backend and compare the templated manifests with the reference, byte for byte. */
function expectSameBytes(graph: DeploymentGraph, stats: EmitStats): number {
  let compiled = 0;
  for (const backend of BACKENDS) {
    let plan: KubePlan;
    try {
      plan = backend.compile(graph);
    } catch {
      continue; // an unsupported use on this backend: no manifests to compare
    }
    compiled++;
    const want = reference(plan);
    const got = kubeArtifacts(plan, { stats }).filter((f) => f.path.startsWith("manifests/"));
    expect(got.map((f) => f.path).sort()).toEqual([...want.keys()].sort());
    for (const f of got) expect(f.content).toBe(want.get(f.path));
  }
  return compiled;
}

describe("the manifest YAML emitter", () => {
  it("round-trips any JSON object through YAML 1.2 and YAML 1.1 (kubectl) parsers (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (doc) => {
        const text = toYaml(doc);
        expect(normalize(parse(text))).toEqual(normalize(doc));
        expect(normalize(parse(text, { version: "1.1" }))).toEqual(normalize(doc));
      }),
      { numRuns: 3000 },
    );
  });

  it("quotes what YAML 1.1 would misread, and leaves names plain", () => {
    expect(toYaml({ a: "on", b: "yes", c: "8080", d: "1e3", e: "app.kubernetes.io/name", f: "/hello", g: 0.5, h: 1e-7 })).toBe(
      'a: "on"\nb: "yes"\nc: "8080"\nd: "1e3"\ne: app.kubernetes.io/name\nf: /hello\ng: 0.5\nh: 1.0e-7\n',
    );
    expect(toYaml({ list: [{ x: 1, y: [] }, [1, 2], {}], empty: {} })).toBe("list:\n  - x: 1\n    \"y\": []\n  -\n    - 1\n    - 2\n  - {}\nempty: {}\n");
  });
});

describe("the per-kind manifest templates", () => {
  it("write today's bytes for every example app and the conformance reference app, through the templates", () => {
    const apps = [hello, images, buildOrdersApp({ redisUrl: "redis://redis:6379" }), buildEventsApp(), buildShop({ name: "dev" }), referenceApp()];
    const stats: EmitStats = { templated: 0, fallback: 0 };
    for (const app of apps) expect(expectSameBytes(synth(app), stats)).toBeGreaterThan(0);
    // Every document of these apps has a template: the fast path is the one measured here.
    expect(stats.fallback).toBe(0);
    expect(stats.templated).toBeGreaterThan(100);
  });

  it("write today's bytes for every test/invalid program that synthesizes", async () => {
    const dir = new URL("./invalid/", import.meta.url);
    const stats: EmitStats = { templated: 0, fallback: 0 };
    let programs = 0;
    for (const file of readdirSync(dir).filter((f) => /^\d{3}-.*\.ts$/.test(f)).sort()) {
      const m = (await import(new URL(file, dir).href)) as { app: App };
      let graph: DeploymentGraph;
      try {
        graph = synth(m.app, { baseDir: fileURLToPath(dir) });
      } catch {
        continue;
      }
      if (expectSameBytes(graph, stats) > 0) programs++;
    }
    expect(programs).toBeGreaterThan(10);
    expect(stats.templated).toBeGreaterThan(stats.fallback);
  });

  // Strings YAML (1.1 or 1.2) could misread, and strings a template must not mangle.
  const awkward = fc.oneof(
    fc.constantFrom("", " ", "yes", "no", "on", "off", "y", "n", "null", "~", "true", "False", "0", "007", "1e3", "0x1F", "1_000", ".5", "-", "- x", "a: b", "a:b", "#c", "x #c", "'q'", '"q"', "\\", "line1\nline2", "tab\there", "ü€𝄞", "\u2028", "{}", "[]", "&a", "*a", "!t", "%p", "@x", "`x`", "<<", "=", "?", "| x", "> x", "---", "...", "  lead", "trail  "),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: "grapheme", maxLength: 6 }),
    fc.integer().map(String),
  );
  const labelValue = fc.constantFrom("x", "1", "007", "yes", "null", "a.b-c_d", "on");
  const spec = fc.array(
    fc.record({
      env: fc.dictionary(fc.constantFrom("A", "B_C", "LOG", "YES", "N"), awkward, { maxKeys: 3 }),
      labels: fc.dictionary(fc.constantFrom("team", "example.com/tier", "n"), labelValue, { maxKeys: 2 }),
      secrets: fc.boolean(),
      command: fc.option(fc.array(awkward, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      port: fc.constantFrom(8080, 3000, 9000),
      concurrency: fc.integer({ min: 1, max: 500 }),
      triggers: fc.array(
        fc.oneof(
          fc.record({ http: fc.record({ path: fc.constantFrom("/", "/api", "/yes", "/1e3", "/a-b/c"), methods: fc.subarray(["GET", "POST"]), host: fc.option(fc.constantFrom("api.example.com", "yes.example.com"), { nil: undefined }) }) }),
          fc.record({ schedule: fc.record({ cron: fc.constantFrom("0 3 * * *", "*/5 * * * *"), timezone: fc.constantFrom("UTC", "Europe/Berlin"), data: fc.option(fc.oneof(awkward, fc.dictionary(fc.string({ maxLength: 4 }), awkward, { maxKeys: 2 })), { nil: undefined }) }) }),
          fc.record({
            queue: fc.record({
              broker: fc.constantFrom("redis", "rabbitmq", "kafka", "nats"),
              connection: fc.constantFrom("redis://r:6379", "amqp://mq:5672", "k-0:9092,k-1:9092", "nats://n:4222", "rediss://r:6380"),
              name: fc.constantFrom("orders", "on", "1e3", "a.b"),
            }),
          }),
        ),
        { maxLength: 3 },
      ),
      policy: fc.option(
        fc.record({
          minInstances: fc.integer({ min: 0, max: 2 }),
          maxInstances: fc.integer({ min: 3, max: 20 }),
          metric: fc.oneof(fc.record({ concurrency: fc.integer({ min: 1, max: 100 }) }), fc.record({ rps: fc.integer({ min: 1, max: 100 }) }), fc.record({ cpu: fc.integer({ min: 10, max: 90 }) }), fc.record({ queueLength: fc.integer({ min: 1, max: 50 }) })),
          idleTimeout: fc.constantFrom("30s", "90s", "5m"),
        }),
        { nil: undefined },
      ),
      retries: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 3 },
  );

  it("write today's bytes for generated apps with awkward strings (property)", () => {
    const stats: EmitStats = { templated: 0, fallback: 0 };
    let compared = 0;
    fc.assert(
      fc.property(spec, fc.constantFrom("prop", "yes", "n"), (fns, appName) => {
        const app = new App({ name: appName, labels: { tier: "1e3" } });
        fns.forEach((f, i) => {
          const fn = new ServerlessFunction(app, `f${i}`, {
            image: "registry.example.com/a/b:1.0.0",
            env: f.env,
            labels: f.labels,
            port: f.port,
            concurrency: f.concurrency,
            ...(f.command ? { command: f.command } : {}),
            ...(f.secrets ? { secrets: { DB_URL: { secret: "db", key: "url" } } } : {}),
          });
          f.triggers.forEach((t, j) => new EventTrigger(app, `t${i}-${j}`, { ...t, target: fn, ...(f.retries !== undefined && !("http" in t) ? { delivery: { retries: f.retries } } : {}) } as never));
          if (f.policy) new ScalingPolicy(app, `p${i}`, { ...f.policy, target: fn } as never);
        });
        let graph: DeploymentGraph;
        try {
          graph = synth(app);
        } catch {
          return; // an invalid combination: nothing to emit
        }
        compared += expectSameBytes(graph, stats);
      }),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(200);
    expect(stats.templated).toBeGreaterThan(1000);
  });

  it("fall back to the generic emitter, with the same bytes, for manifests that leave their template (property)", () => {
    const plans = [knative(REGISTRY).compile(synth(referenceApp())), keda(REGISTRY).compile(synth(buildEventsApp()))];
    const manifests = plans.flatMap((p) => p.resources.map((r) => r.manifest));
    const templates = new ManifestTemplates();
    const stats: EmitStats = { templated: 0, fallback: 0 };
    // Put any JSON value at a random path of a real manifest (a new key, a changed type, a reordered object).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: manifests.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), fc.boolean(), (i, steps, newKey, value, reorder) => {
        const doc = structuredClone(manifests[i]) as unknown as Record<string, unknown>;
        let at: Record<string, unknown> = doc;
        for (const s of steps) {
          const keys = Object.keys(at);
          const next = keys.length ? at[keys[s % keys.length] as string] : undefined;
          if (next === null || typeof next !== "object") break;
          at = next as Record<string, unknown>;
        }
        if (reorder && !Array.isArray(at)) {
          const entries = Object.entries(at).reverse();
          for (const k of Object.keys(at)) delete at[k];
          for (const [k, v] of entries) at[k] = v;
        } else at[Array.isArray(at) ? at.length : newKey] = value;
        expect(templates.yaml(doc as unknown as KubeObject, stats)).toBe(toYaml(doc));
      }),
      { numRuns: 2000 },
    );
    expect(stats.fallback).toBeGreaterThan(100);
    expect(stats.templated).toBeGreaterThan(0); // e.g. a new key that is one of the template's own, in order
  });

  it("keeps plan.json's bytes, computed only when read", () => {
    const plan = knative(REGISTRY).compile(synth(referenceApp()));
    const files = kubeArtifacts(plan);
    const planFile = files.find((f) => f.path === "plan.json");
    const summary = { ...plan, resources: plan.resources.map((r) => ({ key: r.key, owner: r.owner, dependsOn: r.dependsOn, file: `manifests/${plan.functions.find((f) => f.id === r.owner)?.name}.yaml` })) };
    expect(planFile?.content).toBe(`${JSON.stringify(summary, null, 2)}\n`);
  });
});
