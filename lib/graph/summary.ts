import { assertNever } from "../vocabulary.js";
import type { PlanView } from "../backend.js";
import type { EffectiveScaling } from "../engines/types.js";
import type { DeploymentGraph, FunctionNode, ScalingPolicyNode, TriggerNode } from "./types.js";

/** A short human summary of a graph: one block per function with its triggers and scaling. */
export function summarizeGraph(graph: DeploymentGraph, backends: readonly { readonly name: string; readonly view: PlanView }[] = []): string {
  const fns = graph.nodes.filter((n): n is FunctionNode => n.kind === "function");
  const triggers = graph.nodes.filter((n): n is TriggerNode => n.kind === "trigger");
  const policies = new Map(graph.nodes.filter((n): n is ScalingPolicyNode => n.kind === "scalingPolicy").map((p) => [p.target, p]));
  const byTarget = new Map<string, TriggerNode[]>();
  for (const t of triggers) {
    const list = byTarget.get(t.target);
    if (list) list.push(t);
    else byTarget.set(t.target, [t]);
  }
  const lines = [`app ${graph.app.name}: ${fns.length} function${fns.length === 1 ? "" : "s"}, ${triggers.length} trigger${triggers.length === 1 ? "" : "s"}, ${graph.edges.length} edges`];
  for (const fn of fns) {
    const src = fn.source.type === "image" ? fn.source.image : fn.source.type === "build" ? `build ${fn.source.context}` : `code ${fn.source.path}/${fn.source.file}#${fn.source.export}`;
    lines.push(`  ${fn.id} (${fn.name}) ${src}`);
    for (const t of byTarget.get(fn.id) ?? []) lines.push(`    <- ${describeTrigger(t)}`);
    const p = policies.get(fn.id);
    if (p) lines.push(`    scaling ${describePolicy(p)}`);
    for (const b of backends) {
      const e = b.view.functions[fn.id]?.effective;
      if (e) lines.push(`    on ${b.name} (${e.engine} engine): ${describeEffective(e)}`);
    }
  }
  for (const w of graph.warnings) lines.push(`  warning ${w.code} ${w.path}: ${w.prop} ${w.problem}`);
  for (const s of graph.suppressed ?? []) lines.push(`  suppressed ${s.code} ${s.path}: ${s.reason}`);
  return lines.join("\n");
}

/** One-line description of a trigger's source. */
export function describeTrigger(t: TriggerNode): string {
  const s = t.source;
  switch (s.type) {
    case "http":
      return `http ${s.methods.length ? s.methods.join(",") : "*"} ${s.host ?? ""}${s.path}`;
    case "schedule":
      return `schedule "${s.cron}" ${s.timezone}`;
    case "queue":
      return `queue ${s.broker} ${s.name}`;
    default:
      return assertNever(s, "trigger source");
  }
}

/** One-line description of what an engine really does with a policy (from its model). */
export function describeEffective(e: EffectiveScaling): string {
  const zero = e.timeToZeroSeconds === null ? "never to zero" : `to zero ${e.timeToZeroSeconds}s after the last request (decisions every ${e.decisionIntervalSeconds}s)`;
  const cold = e.coldStart.mode === "reject" ? "refuses at zero" : `buffers ${e.coldStart.maxRequests ?? "unlimited"} requests for ${e.coldStart.maxWaitSeconds}s at zero`;
  const baselines = e.baselines.length ? `, ${e.baselines.length} baseline${e.baselines.length === 1 ? "" : "s"}` : "";
  return `${e.minInstances}..${e.maxInstances} (initial ${e.initialInstances}) on ${e.metric.type} ${+e.metric.target.toFixed(2)} per instance, ${zero}, scale-down delay ${e.scaleDownDelaySeconds}s${baselines}, ${cold}`;
}

/** One-line description of a scaling policy. */
export function describePolicy(p: ScalingPolicyNode): string {
  const idle = p.idleTimeoutSeconds === null ? "never idle-zero" : `to zero after ${p.idleTimeoutSeconds}s idle`;
  return `${p.minInstances}..${p.maxInstances} on ${p.metric.type} ${p.metric.target}, ${idle}${p.implicit ? " (defaults)" : ""}`;
}
