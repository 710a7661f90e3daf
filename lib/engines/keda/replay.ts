import type { FunctionNode, ScalingPolicyNode } from "../../index.js";

/** A KEDA trace: request arrivals (HTTP add-on: the interceptor's concurrency) or a queue depth series. */
export interface KedaTrace {
  readonly requests?: readonly { readonly at: number; readonly duration: number }[];
  /** Queue depth over time: each point holds until the next. */
  readonly depth?: readonly { readonly at: number; readonly value: number }[];
}

/** KEDA's knobs that are not in the graph (backend options). */
export interface KedaReplayOptions {
  /** ScaledObject pollingInterval, seconds. @default 30 */
  readonly pollingInterval?: number;
  /** HPA sync period, seconds. @default 15 */
  readonly hpaSyncPeriod?: number;
  /** Seconds from scaling up until the new pods are ready. @default 1 */
  readonly coldStartSeconds?: number;
  readonly until?: number;
}

/** The state after each second. */
export interface KedaPoint {
  readonly t: number;
  readonly replicas: number;
  readonly ready: number;
  readonly active: boolean;
  readonly metric: number;
  readonly reason: string;
}

/**
 * KEDA's scaling semantics (shared/autoscaler README), in virtual time:
 * - activation 0 <-> 1 by the operator every `pollingInterval`: active when the metric is above the
 *   activation threshold (0); at 0 replicas and active, scale to max(minReplicaCount, 1); inactive for
 *   `cooldownPeriod` (the policy's idleTimeout) since the last active poll, scale to minReplicaCount (0);
 * - 1 <-> N by the HPA every `hpaSyncPeriod`: desired = ceil(metric / target), within [max(min, 1), max];
 *   up at once, down only to the highest desired of the stabilization window (scaleDownDelay, else
 *   the HPA default 300 s).
 */
export function replayKeda(fn: FunctionNode, policy: ScalingPolicyNode, trace: KedaTrace, options: KedaReplayOptions = {}): KedaPoint[] {
  const polling = options.pollingInterval ?? 30;
  const sync = options.hpaSyncPeriod ?? 15;
  const coldStart = options.coldStartSeconds ?? 1;
  const cooldown = policy.idleTimeoutSeconds ?? 300;
  const window = policy.scaleDownDelaySeconds > 0 ? policy.scaleDownDelaySeconds : 300;
  const target =
    policy.metric.type === "queueLength"
      ? policy.metric.target
      : Math.max(1, Math.round((policy.metric.target * policy.targetUtilizationPercent) / 100)); // the HTTP add-on's targetValue
  const requests = trace.requests ?? [];
  const lastEnd = Math.max(0, ...requests.map((r) => r.at + r.duration), ...(trace.depth ?? []).map((d) => d.at));
  const until = Math.ceil(options.until ?? lastEnd + cooldown + polling + window + 30);

  // The metric at each whole second, computed once: linear in the trace, not per simulated second.
  const series = new Float64Array(until + 1);
  if (trace.depth) {
    const points = [...trace.depth].sort((a, b) => a.at - b.at);
    let i = 0;
    let v = 0;
    for (let t = 0; t <= until; t++) {
      while (i < points.length && (points[i] as { at: number }).at <= t) v = (points[i++] as { value: number }).value;
      series[t] = v;
    }
  } else {
    for (const r of requests) {
      for (let t = Math.max(0, Math.ceil(r.at)); t < r.at + r.duration && t <= until; t++) series[t] = (series[t] as number) + 1; // in flight at t
    }
  }
  const metricAt = (t: number): number => series[t] as number;

  let replicas = Math.max(policy.minInstances, 1); // a new Deployment starts with 1 replica
  const readyAt: number[] = Array.from({ length: replicas }, () => 0);
  let lastActive = 0;
  const recent: { t: number; desired: number }[] = [];
  const points: KedaPoint[] = [];
  const setReplicas = (n: number, t: number) => {
    while (readyAt.length < n) readyAt.push(t + coldStart);
    readyAt.length = n;
    replicas = n;
  };
  for (let t = 0; t <= until; t++) {
    const metric = metricAt(t);
    const active = metric > 0;
    let reason = "";
    if (t % polling === 0) {
      if (active) lastActive = t;
      if (active && replicas === 0) {
        setReplicas(Math.max(policy.minInstances, 1), t);
        reason = "activated: metric above the activation threshold";
      } else if (!active && replicas > 0 && policy.minInstances === 0 && t - lastActive >= cooldown) {
        setReplicas(0, t);
        recent.length = 0;
        reason = `inactive for cooldownPeriod (${cooldown}s): to zero`;
      }
    }
    if (t % sync === 0 && replicas > 0) {
      const desired = Math.min(policy.maxInstances, Math.max(policy.minInstances, 1, Math.ceil(metric / target)));
      recent.push({ t, desired });
      while (recent.length > 0 && (recent[0] as { t: number }).t <= t - window) recent.shift();
      const stabilized = Math.max(...recent.map((r) => r.desired));
      const next = desired > replicas ? desired : Math.min(replicas, stabilized);
      if (next !== replicas) {
        reason = next > replicas ? `HPA: ${metric} / ${target} per replica -> ${next}` : `HPA: down to ${next} (stabilization ${window}s)`;
        setReplicas(next, t);
      }
    }
    points.push({ t, replicas, ready: readyAt.filter((r) => r <= t).length, active, metric, reason });
  }
  return points;
}
