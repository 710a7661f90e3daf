// The O(n*m) spots of synth and the Kubernetes backends, fixed: each keeps its output (compared with
// the previous algorithm, kept here as the reference) and is linear, checked by counting operations
// (property reads through a Proxy, calls, array iterations) at n and 2n, never by timing: speed is
// `npm run bench`'s (bench/synth-inprocess.ts).
import { Construct } from "constructs";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { App, type DeploymentGraph, EventTrigger, ServerlessFunction, synth } from "zeroscale";
import { checkRoutes, dependencyEdges } from "../lib/graph/check.js";
import type { GraphEdge, GraphNode, TriggerNode } from "../lib/graph/types.js";
import { applySuppressions, isSuppressible, type Suppression } from "../lib/policy/suppress.js";
import { type Diagnostic, type DiagnosticCode, Diagnostics } from "../lib/validation/diagnostic.js";
import { keda } from "../providers/keda/index.js";
import { knative } from "../providers/knative/index.js";

/** Count every property read of `target` (and of the objects read from it) into `counter`. */
function counted<T extends object>(target: T, counter: { reads: number }): T {
  return new Proxy(target, {
    get(t, k, r) {
      counter.reads++;
      const v = Reflect.get(t, k, r) as unknown;
      return v !== null && typeof v === "object" ? counted(v as object, counter) : v;
    },
  }) as T;
}

/** Array elements iterated (spreads, for-of) and String.prototype.includes calls while `run` runs. */
function operations(run: () => void): number {
  const iterator = Array.prototype[Symbol.iterator];
  const includes = String.prototype.includes;
  let n = 0;
  const arrayIterator = function (this: unknown[]) {
    const it = iterator.call(this);
    return {
      next: () => (n++, it.next()),
      [Symbol.iterator]() {
        return this;
      },
    };
  };
  Object.defineProperty(Array.prototype, Symbol.iterator, { value: arrayIterator, configurable: true, writable: true });
  String.prototype.includes = function (this: string, ...args: Parameters<typeof includes>) {
    n++;
    return includes.apply(this, args);
  };
  try {
    run();
  } finally {
    Object.defineProperty(Array.prototype, Symbol.iterator, { value: iterator, configurable: true, writable: true });
    String.prototype.includes = includes;
  }
  return n;
}

/** Linear: doubling the input at most ~doubles the count (2.2 leaves room for constant terms; quadratic would be ~4). */
function expectLinear(count: (n: number) => number, n: number): void {
  const a = count(n);
  const b = count(2 * n);
  expect(a).toBeGreaterThan(0);
  expect(b / a).toBeLessThanOrEqual(2.2);
}

// --- suppressions -------------------------------------------------------------------------------

/** The previous applySuppressions: a find() over every suppression per diagnostic. */
function suppressionsReference(diagnostics: readonly Diagnostic[], suppressions: readonly Suppression[]) {
  const kept: Diagnostic[] = [];
  const suppressed: (Diagnostic & { reason: string })[] = [];
  for (const d of diagnostics) {
    const s = isSuppressible(d) ? suppressions.find((x) => x.code === d.code && (d.path === x.path || d.path.startsWith(`${x.path}/`))) : undefined;
    if (s) suppressed.push({ ...d, reason: s.reason });
    else kept.push(d);
  }
  return { kept, suppressed };
}

const CODES: DiagnosticCode[] = ["ZS-FN-NO-TRIGGER", "ZS-POLICY-IMAGE-LATEST", "ZS-POLICY-SECRET-IN-ENV", "ZS-FN-PORT"];
const diagnostic = (path: string, code: DiagnosticCode, severity: "error" | "warning"): Diagnostic => ({ severity, code, path, prop: "(construct)", value: undefined, problem: "p", fix: "f" });

describe("suppressions", () => {
  const path = fc.array(fc.constantFrom("a", "b", "ab", "a-b"), { minLength: 1, maxLength: 4 }).map((p) => p.join("/"));
  it("silence exactly what the previous search did, with the same reason (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ path, code: fc.constantFrom(...CODES), severity: fc.constantFrom("error" as const, "warning" as const) }), { maxLength: 30 }),
        fc.array(fc.record({ path, code: fc.constantFrom(...CODES), reason: fc.string({ maxLength: 3 }) }), { maxLength: 10 }),
        fc.boolean(),
        (ds, ss, sorted) => {
          const diagnostics = ds.map((d) => diagnostic(d.path, d.code, d.severity));
          const suppressions = sorted ? [...ss].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : x.code < y.code ? -1 : 1)) : ss;
          expect(applySuppressions(diagnostics, suppressions)).toEqual(suppressionsReference(diagnostics, suppressions));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("are applied in linear time: property reads grow with diagnostics + suppressions", () => {
    expectLinear((n) => {
      const counter = { reads: 0 };
      const suppressions = Array.from({ length: n }, (_, i) => counted<Suppression>({ path: `app/f${i}`, code: "ZS-FN-NO-TRIGGER", reason: "r" }, counter));
      // Every diagnostic matches the last suppression only: the previous search read all n first.
      const diagnostics = Array.from({ length: n }, (_, i) => counted(diagnostic(`app/f${n - 1}/t${i}`, "ZS-FN-NO-TRIGGER", "warning"), counter));
      const { suppressed } = applySuppressions(diagnostics, suppressions);
      expect(suppressed).toHaveLength(n);
      return counter.reads;
    }, 2000);
  });
});

// --- duplicate routes ---------------------------------------------------------------------------

const httpTrigger = (id: string, path: string, methods: string[], host: string | null = null): TriggerNode =>
  ({ kind: "trigger", id, name: id.replace(/\W/g, "-"), target: "app/f", source: { type: "http", host, path, methods }, delivery: null }) as unknown as TriggerNode;

/** The previous duplicate-route search: every earlier trigger on the route, until one overlaps. */
function routesReference(nodes: readonly GraphNode[]): Diagnostic[] {
  const diags = new Diagnostics();
  const byRoute = new Map<string, TriggerNode[]>();
  for (const n of nodes) {
    if (n.kind !== "trigger" || n.source.type !== "http") continue;
    const key = `${n.source.host ?? "*"} ${n.source.path}`;
    byRoute.set(key, [...(byRoute.get(key) ?? []), n]);
  }
  const overlap = (a: readonly string[], b: readonly string[]) => a.length === 0 || b.length === 0 || a.some((m) => b.includes(m));
  for (const list of byRoute.values()) {
    list.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (let i = 1; i < list.length; i++) {
      const t = list[i] as TriggerNode;
      const src = t.source as Extract<TriggerNode["source"], { type: "http" }>;
      const clash = list.slice(0, i).find((o) => overlap(src.methods, (o.source as typeof src).methods));
      if (!clash) continue;
      const where = src.host ? `${src.host}${src.path}` : src.path;
      diags.error("ZS-TRIGGER-HTTP-DUPLICATE", t.id, "http.path", src.path, `routes ${where} which ${clash.id} already routes`, "give each trigger its own path, host or methods");
    }
  }
  return diags.list("error");
}

describe("duplicate HTTP routes", () => {
  it("are found exactly as the previous search found them (property)", () => {
    const trigger = fc.record({ path: fc.constantFrom("/", "/a", "/b"), host: fc.constantFrom(null, "x.example.com"), methods: fc.subarray(["GET", "POST", "PUT", "DELETE"]) });
    fc.assert(
      fc.property(fc.array(trigger, { maxLength: 25 }), (ts) => {
        const nodes = ts.map((t, i) => httpTrigger(`app/t${String(i).padStart(2, "0")}`, t.path, t.methods, t.host));
        const diags = new Diagnostics();
        checkRoutes(diags, fc.sample(fc.shuffledSubarray(nodes, { minLength: nodes.length }), 1)[0] as GraphNode[]);
        expect(diags.list("error")).toEqual(routesReference(nodes));
      }),
      { numRuns: 500 },
    );
  });

  it("are searched in linear time: n GET triggers then n POST triggers on one path", () => {
    expectLinear((n) => {
      const counter = { reads: 0 };
      const nodes = [
        ...Array.from({ length: n }, (_, i) => httpTrigger(`app/a${String(i).padStart(6, "0")}`, "/", ["GET"])),
        ...Array.from({ length: n }, (_, i) => httpTrigger(`app/b${String(i).padStart(6, "0")}`, "/", ["POST"])),
      ].map((t) => counted(t, counter));
      const diags = new Diagnostics();
      checkRoutes(diags, nodes);
      expect(diags.list("error")).toHaveLength(2 * n - 2);
      return counter.reads;
    }, 2000);
  });
});

// --- dependency edges ---------------------------------------------------------------------------

/** The previous dependencyEdges: the dependency's subtree walked again for every dependent. */
function dependencyReference(all: readonly Construct[], graphIds: ReadonlySet<string>): GraphEdge[] {
  const under = (c: Construct) => (graphIds.has(c.node.path) ? [c.node.path] : c.node.findAll().map((x) => x.node.path).filter((p) => graphIds.has(p)));
  const seen = new Set<string>();
  const edges: GraphEdge[] = [];
  for (const c of all) {
    if (c.node.dependencies.length === 0) continue;
    const froms = under(c);
    for (const d of c.node.dependencies) for (const to of under(d as Construct)) for (const from of froms) {
      const key = `${from}\u0000${to}`;
      if (from === to || seen.has(key)) continue;
      seen.add(key);
      edges.push({ from, to, kind: "dependsOn" });
    }
  }
  return edges;
}

describe("dependency edges", () => {
  /** n functions depending on one composite of 3 functions, and a composite depending on another. */
  function tree(n: number) {
    const app = new App({ name: "dep" });
    const shared = new Construct(app, "shared");
    for (let i = 0; i < 3; i++) new ServerlessFunction(shared, `s${i}`, { image: "r.example.com/a/b:1" });
    const group = new Construct(app, "group");
    new ServerlessFunction(group, "g", { image: "r.example.com/a/b:1" }).node.addDependency(shared);
    group.node.addDependency(shared);
    for (let i = 0; i < n; i++) new ServerlessFunction(app, `f${i}`, { image: "r.example.com/a/b:1" }).node.addDependency(shared);
    const all = app.node.findAll();
    const ids = new Set(all.filter((c) => ServerlessFunction.isServerlessFunction(c)).map((c) => c.node.path));
    return { shared, all, ids };
  }

  it("are the previous edges, walking each dependency's subtree once", () => {
    const { shared, all, ids } = tree(50);
    const walks = vi.spyOn(shared.node, "findAll");
    const edges = dependencyEdges(all, ids);
    expect(walks).toHaveBeenCalledTimes(1); // the previous code walked it once per dependent (52 times)
    walks.mockRestore();
    expect(edges).toEqual(dependencyReference(all, ids));
    expect(edges).toHaveLength((50 + 1) * 3); // g and f0..f49 -> each of shared's 3 (group -> shared repeats g's)
  });
});

// --- the Kubernetes backends' per-trigger work --------------------------------------------------

function oneFunction(n: number, trigger: (fn: ServerlessFunction, i: number) => void): DeploymentGraph {
  const app = new App({ name: "lin" });
  const fn = new ServerlessFunction(app, "f", { image: "r.example.com/a/b:1.0.0" });
  for (let i = 0; i < n; i++) trigger(fn, i);
  return synth(app);
}

describe("the Kubernetes backends", () => {
  it("compile a function's triggers in linear time (Knative: n HTTP routes)", () => {
    const graphs = new Map([200, 400].map((n) => [n, oneFunction(n, (fn, i) => fn.addTrigger(`h${i}`, { http: { path: `/p${i}` } }))]));
    expectLinear((n) => operations(() => knative().compile(graphs.get(n) as DeploymentGraph)), 200);
  });

  it("compile a function's triggers in linear time (KEDA: n pushed queues, each with its dispatcher)", () => {
    const graphs = new Map(
      [100, 200].map((n) => [n, oneFunction(n, (fn, i) => new EventTrigger(fn, `q${i}`, { target: fn, queue: { broker: "redis", connection: "redis://r:6379", name: `s${i}` } }))]),
    );
    expectLinear((n) => operations(() => keda().compile(graphs.get(n) as DeploymentGraph)), 100);
  });

  it("keep a dispatcher's dependencies: every TriggerAuthentication of its function", () => {
    const graph = oneFunction(3, (fn, i) => new EventTrigger(fn, `q${i}`, { target: fn, queue: { broker: "redis", connection: { secret: "redis", key: "url" }, name: `s${i}` } }));
    const plan = keda().compile(graph);
    const auths = plan.resources.filter((r) => r.manifest.kind === "TriggerAuthentication").map((r) => r.key);
    expect(auths).toHaveLength(3);
    const dispatchers = plan.resources.filter((r) => r.manifest.kind === "Deployment" && r.key.endsWith("-dispatch"));
    expect(dispatchers).toHaveLength(3);
    for (const d of dispatchers) expect(d.dependsOn).toEqual(auths);
    const scaled = plan.resources.find((r) => r.manifest.kind === "ScaledObject" && !r.key.includes("-dispatch"));
    expect(scaled?.dependsOn.slice(1)).toEqual(auths);
  });
});
