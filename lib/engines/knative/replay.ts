import type { FunctionNode, ScalingPolicyNode } from "../../index.js";
import { MetricWindow } from "../metric-window.js";
import { FunctionScaler } from "./scaler.js";

/** Request arrivals (seconds from 0, each with its duration), and/or constant-rate segments. */
export interface Trace {
  readonly requests?: readonly { readonly at: number; readonly duration: number }[];
  /** `rps` requests per second, evenly spaced, from `from` to `to` (seconds), each lasting `duration` seconds. */
  readonly rate?: readonly { readonly from: number; readonly to: number; readonly rps: number; readonly duration: number }[];
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Simulate until this second. @default last request end + idle timeout + stable window + grace + 10 */
  readonly until?: number;
  /** Seconds from starting an instance until it is ready. @default 1 */
  readonly coldStartSeconds?: number;
  /** Knative's scale-to-zero grace period. @default 30 */
  readonly gracePeriodSeconds?: number;
}

/** The state after one autoscaler tick. */
export interface ReplayPoint {
  /** Second of virtual time. */
  readonly t: number;
  /** Instances wanted (starting + ready). */
  readonly desired: number;
  /** Ready instances. */
  readonly ready: number;
  readonly panicking: boolean;
  readonly stable: number;
  readonly panic: number;
  readonly reason: string;
}

/**
 * Replays a request trace through the same autoscaler the gateway runs (Knative's KPA with
 * min/max/initial bounds and scale-to-zero gating), in virtual time: no timers, no I/O, deterministic.
 * Returns one point per 2-second tick.
 */
export function replay(fn: FunctionNode, policy: ScalingPolicyNode, trace: Trace, options: ReplayOptions = {}): ReplayPoint[] {
  const requests = expand(trace);
  const lastEnd = requests.reduce((m, r) => Math.max(m, r.at + r.duration), 0);
  const grace = options.gracePeriodSeconds ?? 30;
  const until = Math.ceil(options.until ?? lastEnd + (policy.idleTimeoutSeconds ?? 0) + policy.stableWindowSeconds + grace + 10);
  const coldStart = options.coldStartSeconds ?? 1;

  // Average concurrency per second: bucket s holds the demand during [s-1, s).
  const demand = new Float64Array(until + 2);
  const firstArrival = new Float64Array(until + 2).fill(Number.POSITIVE_INFINITY);
  for (const r of requests) {
    const end = r.at + r.duration;
    for (let s = Math.floor(r.at) + 1; s - 1 < end && s <= until; s++) demand[s] = (demand[s] as number) + Math.max(0, Math.min(s, end) - Math.max(s - 1, r.at));
    const b = Math.floor(r.at) + 1;
    if (b <= until) firstArrival[b] = Math.min(firstArrival[b] as number, r.at);
  }

  const scaler = new FunctionScaler(fn, policy, { gracePeriodSeconds: grace }, 0);
  const window = new MetricWindow(Math.max(policy.stableWindowSeconds, 6));
  let readyAt: number[] = [];
  const startInstances = (n: number, at: number) => {
    while (readyAt.length < n) readyAt.push(at + coldStart);
    if (readyAt.length > n) readyAt = readyAt.sort((a, b) => a - b).slice(0, n);
  };
  if (scaler.initialInstances > 0) {
    scaler.activated(0);
    startInstances(scaler.initialInstances, 0);
  }
  const points: ReplayPoint[] = [];
  for (let s = 1; s <= until; s++) {
    const arrival = firstArrival[s] as number;
    if (readyAt.length === 0 && Number.isFinite(arrival)) {
      scaler.activated(arrival); // the activator wakes the function on the first request
      startInstances(1, arrival);
    }
    window.record(s, demand[s] as number);
    if (s % 2 !== 0) continue;
    const ready = readyAt.filter((t) => t <= s).length;
    const stable = window.average(s, policy.stableWindowSeconds);
    const panic = window.average(s, scaler.panicWindow);
    const d = scaler.tick(s, ready, readyAt.length, stable, panic);
    startInstances(d.desired, s);
    points.push({ t: s, desired: d.desired, ready: readyAt.filter((t) => t <= s).length, panicking: d.panicking, stable, panic, reason: d.reason });
  }
  return points;
}

function expand(trace: Trace): { at: number; duration: number }[] {
  const out = [...(trace.requests ?? [])];
  for (const seg of trace.rate ?? []) {
    const n = Math.round((seg.to - seg.from) * seg.rps);
    for (let i = 0; i < n; i++) out.push({ at: seg.from + i / seg.rps, duration: seg.duration });
  }
  return out;
}
