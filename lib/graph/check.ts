import type { IConstruct } from "constructs";
import type { Diagnostics } from "../validation/diagnostic.js";
import { findCycle } from "./sort.js";
import type { GraphEdge, GraphNode, ScalingPolicyNode, TriggerNode } from "./types.js";

/**
 * Edges for explicit dependencies (`node.addDependency`): every graph node under the dependent
 * construct depends on every graph node under the dependency. Sorted and de-duplicated.
 */
export function dependencyEdges(all: readonly IConstruct[], graphIds: ReadonlySet<string>): GraphEdge[] {
  // Each construct's graph nodes are found once (one findAll per distinct dependency, not per use).
  const memo = new Map<IConstruct, readonly string[]>();
  const under = (c: IConstruct): readonly string[] => {
    let ids = memo.get(c);
    if (ids === undefined) {
      ids = graphIds.has(c.node.path) ? [c.node.path] : c.node.findAll().map((x) => x.node.path).filter((p) => graphIds.has(p));
      memo.set(c, ids);
    }
    return ids;
  };
  const seen = new Set<string>();
  const edges: GraphEdge[] = [];
  for (const c of all) {
    const deps = c.node.dependencies;
    if (deps.length === 0) continue;
    const froms = under(c);
    for (const d of deps) {
      for (const to of under(d)) {
        for (const from of froms) {
          const key = `${from}\u0000${to}`;
          if (from === to || seen.has(key)) continue;
          seen.add(key);
          edges.push({ from, to, kind: "dependsOn" });
        }
      }
    }
  }
  return edges;
}

/** Graph-wide rules: duplicate routes, queue metrics without a queue, unreached functions, unique names, no cycles. */
export function checkGraph(diags: Diagnostics, nodes: readonly GraphNode[], edges: readonly GraphEdge[], targeted: ReadonlySet<string> = new Set()): void {
  checkRoutes(diags, nodes);
  checkReached(diags, nodes, targeted);
  checkQueueMetrics(diags, nodes);
  checkNames(diags, nodes);
  const cycle = findCycle(nodes, edges);
  if (cycle) {
    const first = cycle[0] as string;
    diags.error("ZS-GRAPH-CYCLE", first, "(dependencies)", cycle.join(" -> "), "forms a dependency cycle", "remove one of the addDependency calls on that cycle");
  }
}

/** ZS-TRIGGER-HTTP-DUPLICATE: each http trigger against the earlier ones (by id) on its host and path; linear in the triggers. */
export function checkRoutes(diags: Diagnostics, nodes: readonly GraphNode[]): void {
  const byRoute = new Map<string, TriggerNode[]>();
  for (const n of nodes) {
    if (n.kind !== "trigger" || n.source.type !== "http") continue;
    const key = `${n.source.host ?? "*"} ${n.source.path}`;
    const list = byRoute.get(key);
    if (list) list.push(n);
    else byRoute.set(key, [n]);
  }
  for (const list of byRoute.values()) {
    list.sort((a, b) => (a.id < b.id ? -1 : 1));
    // The clash of each trigger is the first earlier one (in id order) whose methods overlap its own:
    // the first with no methods (it takes every method), or the first that takes one of its methods.
    let firstAny = -1;
    const firstBy = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      const t = list[i] as TriggerNode;
      const src = t.source as Extract<TriggerNode["source"], { type: "http" }>;
      let at = src.methods.length === 0 ? (i > 0 ? 0 : -1) : firstAny;
      for (const m of src.methods) {
        const j = firstBy.get(m);
        if (j !== undefined && (at === -1 || j < at)) at = j;
      }
      if (src.methods.length === 0) {
        if (firstAny === -1) firstAny = i;
      } else for (const m of src.methods) if (!firstBy.has(m)) firstBy.set(m, i);
      const clash = at === -1 ? undefined : list[at];
      if (!clash) continue;
      const where = src.host ? `${src.host}${src.path}` : src.path;
      diags.error("ZS-TRIGGER-HTTP-DUPLICATE", t.id, "http.path", src.path, `routes ${where} which ${clash.id} already routes`, "give each trigger its own path, host or methods");
    }
  }
}

function checkQueueMetrics(diags: Diagnostics, nodes: readonly GraphNode[]): void {
  const queued = new Set<string>();
  for (const n of nodes) if (n.kind === "trigger" && n.source.type === "queue") queued.add(n.target);
  for (const n of nodes) {
    if (n.kind !== "scalingPolicy" || n.metric.type !== "queueLength" || queued.has(n.target)) continue;
    const p: ScalingPolicyNode = n;
    diags.error("ZS-SCALING-QUEUE-NO-TRIGGER", p.id, "metric.queueLength", p.metric.target, `needs a queue trigger on ${p.target}, which has none`, "add an EventTrigger with a queue source for the function, or scale on concurrency or rps");
  }
}

/**
 * ZS-FN-NO-TRIGGER: a function no trigger (HTTP, schedule or queue) invokes never runs. `targeted`
 * holds functions some trigger construct targets even if that trigger failed validation (its own
 * error is the one to report).
 */
function checkReached(diags: Diagnostics, nodes: readonly GraphNode[], targeted: ReadonlySet<string>): void {
  const reached = new Set<string>(targeted);
  for (const n of nodes) if (n.kind === "trigger") reached.add(n.target);
  for (const n of nodes) {
    if (n.kind !== "function" || reached.has(n.id)) continue;
    diags.warn("ZS-FN-NO-TRIGGER", n.id, "(construct)", undefined, "has no trigger: no HTTP route, schedule or queue invokes this function", `add one, e.g. fn.addTrigger("http", { http: { path: "/${n.id.split("/").pop()}" } }), or suppress ZS-FN-NO-TRIGGER with the reason`);
  }
}

function checkNames(diags: Diagnostics, nodes: readonly GraphNode[]): void {
  const byName = new Map<string, string>();
  for (const n of nodes) {
    const other = byName.get(n.name);
    if (other !== undefined) {
      diags.error("ZS-NAME-COLLISION", n.id, "(name)", n.name, `derives the same name as ${other}`, "rename one of the two constructs");
    } else byName.set(n.name, n.id);
  }
}
