// The bad-input corpus: every program in test/invalid/ has one mistake and must fail with exactly its
// diagnostic (code, construct path, prop, message) and nothing else. Every example and valid fixture
// must pass every backend with no error and no warning (no false positives).
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type App, BackendError, formatDiagnostic, synth, ValidationError } from "zeroscale";
import { BACKEND_NAMES, type BackendName, BACKENDS, type CliBackendOptions, createFromFlags } from "../providers/registry.js";
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

/** The flags each backend is compiled with (a registry it accepts: Lambda pulls from ECR in its region only). */
const FLAGS: Partial<Record<BackendName, CliBackendOptions>> = {
  cloudrun: { registry: "registry.example.com/x", project: "p", region: "europe-west1" },
  aca: { registry: "registry.example.com/x", location: "westeurope", resourceGroup: "rg", environment: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env" },
  lambda: { registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x", region: "eu-west-1" },
};
const HELLO = {
  keda: ["ZS-KEDA-HTTP-DOWN-DELAY", "ZS-KEDA-WINDOW"],
  cloudrun: ["ZS-CLOUDRUN-CPU-RAISED", "ZS-CLOUDRUN-IDLE", "ZS-CLOUDRUN-IMAGE-HOST", "ZS-CLOUDRUN-TARGET", "ZS-CLOUDRUN-UTILIZATION", "ZS-CLOUDRUN-WINDOW"],
  aca: ["ZS-ACA-DOWN-DELAY", "ZS-ACA-HTTP-CONCURRENCY", "ZS-ACA-HTTP-ROUTE", "ZS-ACA-INGRESS-INTERNAL", "ZS-ACA-RESOURCES", "ZS-ACA-TIMEOUT", "ZS-ACA-WINDOW"],
  lambda: ["ZS-LAMBDA-CONCURRENCY", "ZS-LAMBDA-CPU", "ZS-LAMBDA-HTTP-IAM", "ZS-LAMBDA-HTTP-TIMEOUT", "ZS-LAMBDA-IDLE", "ZS-LAMBDA-INITIAL", "ZS-LAMBDA-METRIC", "ZS-LAMBDA-WINDOW"],
};
// ZS-KNATIVE-DELIVERY: the schedule and the Redis queue retry through a Channel (InMemoryChannel counts retries from 0).
const ORDERS = { knative: ["ZS-KNATIVE-DELIVERY", "ZS-KNATIVE-QUEUE-METRIC"], keda: ["ZS-KEDA-HTTP-DOWN-DELAY", "ZS-KEDA-HTTP-METHODS"], cloudrun: { refused: ["ZS-CLOUDRUN-QUEUE"] },
  aca: ["ZS-ACA-DOWN-DELAY", "ZS-ACA-HTTP-CONCURRENCY", "ZS-ACA-HTTP-ROUTE", "ZS-ACA-INGRESS-INTERNAL", "ZS-ACA-QUEUE-PULL", "ZS-ACA-RESOURCES", "ZS-ACA-WINDOW"],
  lambda: { refused: ["ZS-LAMBDA-QUEUE-REDIS"] },
};
const REFERENCE = {
  knative: ["ZS-KNATIVE-DELIVERY", "ZS-KNATIVE-QUEUE-METRIC"],
  keda: ["ZS-KEDA-HTTP-DOWN-DELAY", "ZS-KEDA-HTTP-METHODS"],
  cloudrun: { refused: ["ZS-CLOUDRUN-QUEUE"] },
  aca: { refused: ["ZS-ACA-SCHEDULE-TZ"] },
  lambda: { refused: ["ZS-LAMBDA-QUEUE-REDIS"] },
};

describe("no false positives", () => {
  // Warnings that are true statements about an engine (an approximation), not false positives.
  // Per backend: the approximations it warns about, or (a cloud that reaches no such broker) the
  // refusals it reports instead of a plan.
  type Expected = Partial<Record<BackendName, string[] | { refused: string[] }>>;
  const valid: [string, App, Expected][] = [
    ["examples/hello", hello, HELLO],
    ["examples/orders", orders, ORDERS],
    ["the conformance reference app", referenceApp(), REFERENCE],
  ];
  for (const [name, app, expected] of valid) {
    it(`${name}: no graph warning, and only its known approximations (or refusals) on each backend`, () => {
      const graph = synth(app);
      expect(graph.warnings.map(formatDiagnostic)).toEqual([]);
      // Every backend, with an image registry for those that take one (build/code functions need it).
      for (const backend of BACKEND_NAMES) {
        const want = expected[backend] ?? [];
        const flags = FLAGS[backend] ?? { registry: "registry.example.com/x" };
        let plan: { warnings: readonly { code: string }[] } | undefined;
        let refused: string[] = [];
        try {
          plan = createFromFlags(backend, flags).compile(graph);
        } catch (e) {
          if (!(e instanceof BackendError)) throw e;
          refused = [...new Set(e.errors.map((d) => d.code as string))].sort();
        }
        if (Array.isArray(want)) {
          expect(refused, `${backend} refused`).toEqual([]);
          expect([...new Set(plan?.warnings.map((w) => w.code))].sort(), backend).toEqual([...want].sort());
        } else {
          expect(refused, backend).toEqual([...want.refused].sort());
        }
      }
    });
  }
});
