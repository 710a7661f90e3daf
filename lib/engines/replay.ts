import type { EngineName } from "../vocabulary.js";
import type { EngineInput, EngineModel, LoadSample } from "./types.js";

/** Request arrivals (seconds from 0, each with its duration), constant-rate segments, and/or a queue depth series. */
export interface Trace {
  readonly requests?: readonly { readonly at: number; readonly duration: number }[];
  /** `rps` requests per second, evenly spaced, from `from` to `to` (seconds), each lasting `duration` seconds. */
  readonly rate?: readonly { readonly from: number; readonly to: number; readonly rps: number; readonly duration: number }[];
  /** Queue depth over time: each point holds until the next. */
  readonly depth?: readonly { readonly at: number; readonly value: number }[];
  /** Total CPU demand over time, in percent of one instance's CPU request (150 = one and a half instances busy), shared by the ready instances: each point holds until the next. */
  readonly cpu?: readonly { readonly at: number; readonly value: number }[];
}

/** Options of {@link replayEngine}. */
export interface EngineReplayOptions<O = unknown> {
  /** The engine's own settings (e.g. Knative's grace period, KEDA's polling interval). */
  readonly engineOptions?: O;
  /** Seconds from starting an instance until it is ready. @default 1 */
  readonly coldStartSeconds?: number;
  /** Simulate until this second. @default last activity + time to zero + two minutes */
  readonly until?: number;
  /** Wall-clock time of second 0 (for schedule baselines), ms since the epoch. @default 0 */
  readonly startMs?: number;
}

/** The state after one second of virtual time. */
export interface ReplayPoint {
  readonly t: number;
  /** Instances wanted (starting + ready). */
  readonly desired: number;
  readonly ready: number;
  readonly panicking: boolean;
  /** The observed metric of the last decision. */
  readonly observed: number;
  /** The last decision's reason. */
  readonly reason: string;
}

/** When the trace's last request ends, or its queue last empties (the first zero point after a positive one), seconds. */
export function lastActivity(trace: Trace): number {
  const ends = [...(trace.requests ?? []).map((r) => r.at + r.duration), ...(trace.rate ?? []).map((r) => r.to + r.duration)];
  const depth = [...(trace.depth ?? [])].sort((a, b) => a.at - b.at);
  for (let i = 1; i < depth.length; i++) if ((depth[i - 1] as { value: number }).value > 0 && (depth[i] as { value: number }).value === 0) ends.push((depth[i] as { at: number }).at);
  return ends.length ? Math.max(...ends) : 0;
}

/** When the trace's first request arrives, or its queue first fills, seconds (null: no activity). */
export function firstActivity(trace: Trace): number | null {
  const starts = [...(trace.requests ?? []).map((r) => r.at), ...(trace.rate ?? []).map((r) => r.from), ...(trace.depth ?? []).filter((d) => d.value > 0).map((d) => d.at)];
  return starts.length ? Math.min(...starts) : null;
}

function expand(trace: Trace): { at: number; duration: number }[] {
  const out = [...(trace.requests ?? [])];
  for (const seg of trace.rate ?? []) {
    const n = Math.round((seg.to - seg.from) * seg.rps);
    for (let i = 0; i < n; i++) out.push({ at: seg.from + i / seg.rps, duration: seg.duration });
  }
  return out.sort((a, b) => a.at - b.at);
}

function stepSeries(points: readonly { at: number; value: number }[] | undefined, until: number): Float64Array {
  const series = new Float64Array(until + 2);
  const sorted = [...(points ?? [])].sort((a, b) => a.at - b.at);
  let i = 0;
  let v = 0;
  for (let t = 0; t <= until + 1; t++) {
    while (i < sorted.length && (sorted[i] as { at: number }).at <= t) v = (sorted[i++] as { value: number }).value;
    series[t] = v;
  }
  return series;
}

/**
 * Replays a trace through an engine model's scaler in virtual time: no timers, no I/O, deterministic.
 * The same scaler the gateway runs (`zeroscale dev`, `--emulate`), fed the same one-second samples.
 * Engines with an activator (zeroscale, Knative) wake a function at zero on the first request; KEDA
 * wakes it on its next poll.
 */
export function replayEngine<O>(model: EngineModel<O>, input: EngineInput, trace: Trace, options: EngineReplayOptions<O> = {}): ReplayPoint[] {
  const effective = model.effective(input, options.engineOptions).effective;
  const requests = expand(trace);
  const last = lastActivity(trace);
  const until = Math.ceil(options.until ?? last + (effective.timeToZeroSeconds ?? 0) + effective.stableWindowSeconds + 120);
  const coldStart = options.coldStartSeconds ?? 1;
  const startMs = options.startMs ?? 0;

  // Per second s (the interval [s-1, s)): time-weighted concurrency, arrivals; in flight at s; last end <= s.
  const concurrency = new Float64Array(until + 2);
  const arrivals = new Float64Array(until + 2);
  const inflight = new Float64Array(until + 2);
  const firstArrival = new Float64Array(until + 2).fill(Number.POSITIVE_INFINITY);
  const endedBy = new Float64Array(until + 2).fill(Number.NEGATIVE_INFINITY);
  for (const r of requests) {
    const end = r.at + r.duration;
    for (let s = Math.floor(r.at) + 1; s - 1 < end && s <= until; s++) concurrency[s] = (concurrency[s] as number) + Math.max(0, Math.min(s, end) - Math.max(s - 1, r.at));
    for (let s = Math.max(0, Math.ceil(r.at)); s < end && s <= until; s++) inflight[s] = (inflight[s] as number) + 1;
    const b = Math.floor(r.at) + 1;
    if (b <= until) {
      arrivals[b] = (arrivals[b] as number) + 1;
      firstArrival[b] = Math.min(firstArrival[b] as number, r.at);
    }
    const e = Math.ceil(end);
    if (e <= until) endedBy[e] = Math.max(endedBy[e] as number, end);
  }
  for (let s = 1; s <= until; s++) endedBy[s] = Math.max(endedBy[s] as number, endedBy[s - 1] as number);
  const backlog = stepSeries(trace.depth, until);
  const cpu = stepSeries(trace.cpu, until);

  const scaler = model.scaler(input, options.engineOptions, 0);
  let readyAt: number[] = [];
  const scaleTo = (n: number, at: number) => {
    while (readyAt.length < n) readyAt.push(at + coldStart);
    if (readyAt.length > n) readyAt = readyAt.sort((a, b) => a - b).slice(0, n);
  };
  if (scaler.initialInstances > 0) {
    scaler.activated(0);
    scaleTo(scaler.initialInstances, 0);
  }
  const points: ReplayPoint[] = [];
  let lastDecision = { panicking: false, observed: 0, reason: "start" };
  for (let s = 1; s <= until; s++) {
    const arrival = firstArrival[s] as number;
    if (readyAt.length === 0 && Number.isFinite(arrival)) {
      // An activator (zeroscale's, Knative's, the HTTP add-on's interceptor) wakes the function on the
      // first request; the scaler decides whether it does (a ScaledObject waits for its next poll).
      if (scaler.activated(arrival)) scaleTo(1, arrival);
    }
    const ended = endedBy[s] as number;
    const sample: LoadSample = {
      now: s,
      concurrency: concurrency[s] as number,
      arrivals: arrivals[s] as number,
      inflight: inflight[s] as number,
      backlog: backlog[s] as number,
      cpuPercent: trace.cpu ? (cpu[s] as number) / Math.max(1, readyAt.filter((t) => t <= s).length) : null,
      memoryPercent: null,
      lastRequestEndedAt: Number.isFinite(ended) ? ended : null,
      wallClockMs: startMs + s * 1000,
    };
    const ready = readyAt.filter((t) => t <= s).length;
    const d = scaler.observe(sample, ready, readyAt.length);
    if (d) {
      scaleTo(d.desired, s);
      lastDecision = d;
    }
    points.push({ t: s, desired: readyAt.length, ready: readyAt.filter((t) => t <= s).length, panicking: lastDecision.panicking, observed: lastDecision.observed, reason: lastDecision.reason });
  }
  return points;
}

export type { EngineName };
