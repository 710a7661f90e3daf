import type { FunctionNode } from "../../lib/index.js";
import type { KubeContext, KubeObject } from "./plan.js";

/** The labels every resource of a function carries (also its pods' selector, minus the component). */
export function selectorLabels(ctx: KubeContext, fn: FunctionNode): Record<string, string> {
  return { "app.kubernetes.io/name": fn.name, "app.kubernetes.io/part-of": ctx.graph.app.name };
}

/** Standard metadata: namespace, `app.kubernetes.io/*` labels, user labels, ownership annotations. */
export function objectMeta(ctx: KubeContext, fn: FunctionNode, name: string, component: string, nodeId: string, extra: Record<string, string> = {}): KubeObject["metadata"] {
  const labels: Record<string, string> = {
    ...ctx.graph.app.labels,
    ...fn.labels,
    ...selectorLabels(ctx, fn),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/managed-by": "zeroscale",
  };
  const annotations: Record<string, string> = {
    "zeroscale.dev/app": ctx.graph.app.name,
    "zeroscale.dev/owner": fn.id,
    "zeroscale.dev/path": nodeId,
    ...extra,
  };
  return { name, namespace: ctx.namespace, labels: sortKeys(labels), annotations: sortKeys(annotations) };
}

/** Copy with keys sorted (stable output). */
export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k] as T;
  return out;
}
