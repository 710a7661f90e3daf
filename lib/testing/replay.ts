import { replayKeda } from "../engines/keda/replay.js";
import { replay } from "../engines/knative/replay.js";
import type { DeploymentGraph, FunctionNode, ScalingPolicyNode } from "../graph/types.js";

/** Request arrivals and/or constant-rate segments (seconds), or a queue depth series (KEDA). */
export interface ReplayTrace {
  readonly requests?: readonly { readonly at: number; readonly duration: number }[];
  readonly rate?: readonly { readonly from: number; readonly to: number; readonly rps: number; readonly duration: number }[];
  readonly depth?: readonly { readonly at: number; readonly value: number }[];
}

/** Which engine's semantics to replay. */
export type ReplayBackend = "knative" | "keda" | "gateway";

/** Options of `Testing.replay`. */
export interface ReplayRunOptions {
  /** @default "knative" */
  readonly backend?: ReplayBackend;
  /** Knative's scale-to-zero grace period (knative, gateway). @default 30 */
  readonly gracePeriodSeconds?: number;
  /** KEDA's pollingInterval. @default 30 */
  readonly pollingInterval?: number;
  /** Instance start time, seconds. @default 1 */
  readonly coldStartSeconds?: number;
  /** Simulate until this second. */
  readonly until?: number;
}

/** Instance counts over virtual time. */
export interface ReplayResult {
  readonly backend: ReplayBackend;
  readonly function: string;
  /** When the last request ended (or the queue last changed), seconds. */
  readonly lastActivity: number;
  /** Seconds between decisions (Knative ticks 2 s; KEDA polls every pollingInterval). */
  readonly granularity: number;
  readonly timeline: readonly { readonly t: number; readonly instances: number; readonly ready: number }[];
}

/** Replay `trace` for function `fnId` of `graph` under a backend's scaling semantics. */
export function replayGraph(graph: DeploymentGraph, fnId: string, trace: ReplayTrace, options: ReplayRunOptions = {}): ReplayResult {
  const fn = graph.nodes.find((n): n is FunctionNode => n.kind === "function" && n.id === fnId);
  if (!fn) throw new Error(`no function "${fnId}" in the graph`);
  const policy = graph.nodes.find((n): n is ScalingPolicyNode => n.kind === "scalingPolicy" && n.target === fnId) as ScalingPolicyNode;
  const backend = options.backend ?? "knative";
  const ends = [...(trace.requests ?? []).map((r) => r.at + r.duration), ...(trace.rate ?? []).map((r) => r.to + r.duration), ...(trace.depth ?? []).filter((d) => d.value > 0).map((d) => d.at)];
  const lastActivity = ends.length ? Math.max(...ends) : 0;
  if (backend === "keda") {
    const requests = [...(trace.requests ?? [])];
    for (const seg of trace.rate ?? []) for (let i = 0; i < Math.round((seg.to - seg.from) * seg.rps); i++) requests.push({ at: seg.from + i / seg.rps, duration: seg.duration });
    const points = replayKeda(fn, policy, trace.depth ? { depth: trace.depth } : { requests }, {
      ...(options.pollingInterval !== undefined ? { pollingInterval: options.pollingInterval } : {}),
      ...(options.coldStartSeconds !== undefined ? { coldStartSeconds: options.coldStartSeconds } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
    });
    return { backend, function: fnId, lastActivity, granularity: options.pollingInterval ?? 30, timeline: points.map((p) => ({ t: p.t, instances: p.replicas, ready: p.ready })) };
  }
  const points = replay(fn, policy, { ...(trace.requests ? { requests: trace.requests } : {}), ...(trace.rate ? { rate: trace.rate } : {}) }, {
    ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
    ...(options.coldStartSeconds !== undefined ? { coldStartSeconds: options.coldStartSeconds } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  });
  return { backend, function: fnId, lastActivity, granularity: 2, timeline: points.map((p) => ({ t: p.t, instances: p.desired, ready: p.ready })) };
}
