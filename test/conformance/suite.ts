// The shared contract every backend must meet (run by test/conformance/*.test.ts, one per backend).
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { type App, type Backend, BackendError, type Plan, synth } from "zeroscale";
import { Testing } from "zeroscale/testing";
import { referenceApp } from "./reference-app.js";

/** A use the backend must refuse with a typed error. */
export interface UnsupportedCase {
  readonly title: string;
  readonly build: (app: App) => void;
  /** Expected diagnostic code and construct path. */
  readonly code: string;
  readonly path: string;
  /** Compile with this backend instead of the target's. @default the target's backend */
  readonly backend?: () => Backend<Plan>;
}

export interface ConformanceTarget {
  readonly name: string;
  /** A backend able to compile the reference app (e.g. with images for build functions). */
  readonly backend: () => Backend<Plan>;
  /** Kinds that are autoscalers on this engine; a function may own at most one. */
  readonly autoscalerKinds: readonly string[];
  /**
   * Resources ("kind/name") of helper workloads the backend runs for a function, whose autoscalers
   * scale the helper, not the function (keda()'s push-mode dispatchers). @default none
   */
  readonly helperResource?: (resource: string) => boolean;
  readonly unsupported: readonly UnsupportedCase[];
  /**
   * The reference app this backend realises, when it cannot take referenceApp() as is (e.g. a cloud
   * that reaches no Redis): referenceApp() with the parts it refuses replaced, each refusal listed in
   * `unsupported`. @default referenceApp
   */
  readonly reference?: () => App;
  /**
   * The label keys naming the app and the manager, where the platform's label rules refuse
   * Kubernetes' (Cloud Run: [a-z0-9_-] only). @default { partOf: "app.kubernetes.io/part-of", managedBy: "app.kubernetes.io/managed-by" }
   */
  readonly labelKeys?: { readonly partOf: string; readonly managedBy: string };
}

export function conformanceSuite(target: ConformanceTarget): void {
  describe(`conformance: ${target.name}`, () => {
    const reference = target.reference ?? referenceApp;
    const graph = synth(reference());
    const backend = target.backend();
    const plan = backend.compile(graph);
    const view = backend.view(plan);

    it("realises every function, with every trigger that targets it", () => {
      const fns = Testing.nodes(graph, { kind: "function" }).map((n) => n.id);
      expect(Object.keys(view.functions).sort()).toEqual([...fns].sort());
      for (const id of fns) {
        const triggers = Testing.triggersOf(graph, id).map((t) => t.id).sort();
        expect(view.functions[id]?.triggers, id).toEqual(triggers);
        expect(view.functions[id]?.resources.length, id).toBeGreaterThan(0);
      }
    });

    it("maps minInstances, maxInstances and idleTimeout as its engine model says, and says so where that differs from the policy", () => {
      for (const id of Object.keys(view.functions)) {
        const policy = Testing.scalingOf(graph, id);
        const f = view.functions[id] as NonNullable<(typeof view.functions)[string]>;
        const e = f.effective;
        expect(e, `${id}: the plan carries its engine's effective scaling`).not.toBeNull();
        if (!e) continue;
        expect(e.engine, id).toBe(backend.engine);
        expect([f.minInstances, f.maxInstances, f.idleTimeoutSeconds], id).toEqual([e.minInstances, e.maxInstances, e.timeToZeroSeconds]);
        const declared = [policy.minInstances, policy.maxInstances, policy.minInstances === 0 ? policy.idleTimeoutSeconds : null];
        // What you declare is what runs, or synth says so (a warning at the policy or function, with the effective value).
        if (JSON.stringify([e.minInstances, e.maxInstances, e.timeToZeroSeconds]) !== JSON.stringify(declared)) {
          expect(plan.warnings.filter((w) => w.path === policy.id || w.path === id).length, `${id}: effective ${JSON.stringify([e.minInstances, e.maxInstances, e.timeToZeroSeconds])} differs from declared ${JSON.stringify(declared)} with no warning`).toBeGreaterThan(0);
        }
      }
      if (!target.reference) {
        expect(view.functions["ref/api"]?.idleTimeoutSeconds).toBe(90);
        expect(view.functions["ref/worker"]?.idleTimeoutSeconds).toBe(120);
      }
    });

    it("gives each function at most one autoscaler", () => {
      for (const [id, f] of Object.entries(view.functions)) {
        const scalers = f.resources.filter((r) => target.autoscalerKinds.includes(r.split("/")[0] as string) && !target.helperResource?.(r));
        expect(scalers.length, `${id}: ${scalers.join(", ")}`).toBeLessThanOrEqual(1);
      }
    });

    it("writes deterministic artifacts, labelled and annotated with their owner", () => {
      const a = backend.artifacts(plan);
      const b = backend.artifacts(backend.compile(synth(reference())));
      expect(b).toEqual(a);
      const yamlFiles = a.filter((f) => f.path.endsWith(".yaml"));
      if (yamlFiles.length > 0) expect(yamlFiles.length).toBe(Object.keys(view.functions).length);
      for (const f of yamlFiles) {
        for (const doc of parseAllDocuments(f.content)) {
          const obj = doc.toJS() as { metadata: { namespace: string; labels: Record<string, string>; annotations: Record<string, string> } };
          const keys = target.labelKeys ?? { partOf: "app.kubernetes.io/part-of", managedBy: "app.kubernetes.io/managed-by" };
          expect(obj.metadata.labels[keys.partOf]).toBe("ref");
          expect(obj.metadata.labels[keys.managedBy]).toBe("zeroscale");
          expect(obj.metadata.labels["team"]).toBe("platform");
          expect(obj.metadata.annotations["zeroscale.dev/owner"]).toMatch(/^ref\//);
          expect(obj.metadata.namespace).toBeTruthy();
        }
      }
    });

    it("never writes secret values, only references", () => {
      const text = backend.artifacts(plan).map((f) => f.content).join("\n");
      expect(text).toContain("ref-db");
    });

    for (const c of target.unsupported) {
      it(`refuses with a typed error: ${c.title}`, () => {
        const app = new (referenceApp().constructor as new (p: { name: string }) => App)({ name: "bad" });
        c.build(app);
        let error: unknown;
        try {
          (c.backend ? c.backend() : backend).compile(synth(app));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(BackendError);
        expect((error as BackendError).backend).toBe(target.name);
        expect((error as BackendError).errors.map((d) => [d.code, d.path])).toContainEqual([c.code, c.path]);
      });
    }
  });
}
