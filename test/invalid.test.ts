// The bad-input corpus: every program in test/invalid/ has one mistake and must fail with exactly its
// diagnostic (code, construct path, prop, message) and nothing else. Every example and valid fixture
// must pass every backend with no error and no warning (no false positives).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type App, BackendError, formatDiagnostic, synth, ValidationError } from "zeroscale";
import { BACKEND_NAMES, type BackendName, BACKENDS, createFromFlags } from "../providers/registry.js";
import { checkHandlerExports } from "../cli/load.js";
import { app as hello } from "../examples/hello/app.js";
import { app as orders } from "../examples/orders/app.js";
import { referenceApp } from "./conformance/reference-app.js";

const dir = new URL("./invalid/", import.meta.url);
const files = readdirSync(dir).filter((f) => /^\d{3}-.*\.ts$/.test(f)).sort();

// Synthesized as the CLI does: relative to the program's folder (code.path and handler files exist),
// then the handler-export check.
async function diagnosticsOf(app: App, backend?: string) {
  const baseDir = fileURLToPath(dir);
  try {
    const graph = synth(app, { baseDir });
    const exports = await checkHandlerExports(graph, baseDir);
    if (exports.length > 0) return exports;
    if (backend) BACKENDS[backend as BackendName].create().compile(graph);
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
      const found = (await diagnosticsOf(m.app, m.backend)).map((d) => ({ code: d.code, path: d.path, prop: d.prop, message: formatDiagnostic(d) }));
      expect(found).toEqual([m.expected]);
    });
  }
});

describe("no false positives", () => {
  // Warnings that are true statements about an engine (an approximation), not false positives.
  const valid: [string, App, Partial<Record<BackendName, string[]>>][] = [
    ["examples/hello", hello, { keda: ["ZS-KEDA-HTTP-DOWN-DELAY", "ZS-KEDA-WINDOW"] }],
    ["examples/orders", orders, { knative: ["ZS-KNATIVE-QUEUE-METRIC"], keda: ["ZS-KEDA-HTTP-DOWN-DELAY", "ZS-KEDA-HTTP-METHODS"] }],
    ["the conformance reference app", referenceApp(), { knative: ["ZS-KNATIVE-QUEUE-METRIC"], keda: ["ZS-KEDA-HTTP-DOWN-DELAY", "ZS-KEDA-HTTP-METHODS"] }],
  ];
  for (const [name, app, approximations] of valid) {
    it(`${name}: no graph warning, and only its known approximations on each backend`, () => {
      const graph = synth(app);
      expect(graph.warnings.map(formatDiagnostic)).toEqual([]);
      // Every backend, with an image registry for those that take one (build/code functions need it on Kubernetes).
      for (const backend of BACKEND_NAMES) {
        const plan = createFromFlags(backend, { registry: "registry.example.com/x" }).compile(graph);
        expect([...new Set(plan.warnings.map((w) => w.code))].sort(), backend).toEqual([...(approximations[backend] ?? [])].sort());
      }
    });
  }
});
