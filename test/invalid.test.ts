// The bad-input corpus: every program in test/invalid/ has one mistake and must fail with exactly its
// diagnostic (code, construct path, prop, message) and nothing else. Every example and valid fixture
// must pass every backend with no error and no warning (no false positives).
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type App, type Backend, BackendError, formatDiagnostic, type Plan, synth, ValidationError } from "zeroscale";
import { docker } from "zeroscale/providers/docker";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import { app as hello } from "../examples/hello/app.js";
import { app as orders } from "../examples/orders/app.js";
import { referenceApp } from "./conformance/reference-app.js";

const BACKENDS: Record<string, () => Backend<Plan>> = {
  knative: () => knative() as unknown as Backend<Plan>,
  keda: () => keda() as unknown as Backend<Plan>,
  docker: () => docker() as unknown as Backend<Plan>,
};
const dir = new URL("./invalid/", import.meta.url);
const files = readdirSync(dir).filter((f) => /^\d{3}-.*\.ts$/.test(f)).sort();

function diagnosticsOf(app: App, backend?: string) {
  try {
    const graph = synth(app);
    if (backend) (BACKENDS[backend] as () => Backend<Plan>)().compile(graph);
    return [];
  } catch (e) {
    if (e instanceof ValidationError || e instanceof BackendError) return e.errors;
    throw e;
  }
}

describe("bad-input corpus (test/invalid/)", () => {
  it("has at least 60 programs, across every construct and backend", () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    const prefixes = new Set(files.map((f) => f.slice(4).split("-")[0]));
    for (const p of ["fn", "app", "trigger", "http", "schedule", "queue", "scaling", "graph", "knative", "keda", "docker"]) expect(prefixes).toContain(p);
  });

  for (const file of files) {
    it(file, async () => {
      const m = (await import(new URL(file, dir).href)) as { app: App; backend?: string; expected: { code: string; path: string; prop: string; message: string } };
      const found = diagnosticsOf(m.app, m.backend).map((d) => ({ code: d.code, path: d.path, prop: d.prop, message: formatDiagnostic(d) }));
      expect(found).toEqual([m.expected]);
    });
  }
});

describe("no false positives", () => {
  const withImages: Record<string, () => Backend<Plan>> = {
    knative: () => knative({ imageRegistry: "registry.example.com/x" }) as unknown as Backend<Plan>,
    keda: () => keda({ imageRegistry: "registry.example.com/x" }) as unknown as Backend<Plan>,
    docker: () => docker() as unknown as Backend<Plan>,
  };
  // Warnings that are true statements about an engine (an approximation), not false positives.
  const valid: [string, App, Record<string, string[]>][] = [
    ["examples/hello", hello, {}],
    ["examples/orders", orders, { knative: ["ZS-KNATIVE-QUEUE-METRIC"] }],
    ["the conformance reference app", referenceApp(), { knative: ["ZS-KNATIVE-QUEUE-METRIC"] }],
  ];
  for (const [name, app, approximations] of valid) {
    it(`${name}: no graph warning, and only its known approximations on each backend`, () => {
      const graph = synth(app);
      expect(graph.warnings.map(formatDiagnostic)).toEqual([]);
      for (const [backend, make] of Object.entries(withImages)) {
        const plan = make().compile(graph);
        expect(plan.warnings.map((w) => w.code), backend).toEqual(approximations[backend] ?? []);
      }
    });
  }
});
