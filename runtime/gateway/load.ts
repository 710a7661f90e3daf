import type { LoadSample } from "../../lib/engines/types.js";
import type { DataPlaneLoad, DataPlaneStats } from "./data-plane.js";

/** The pool's own numbers for one second (what FunctionPool measures of the requests it dispatched). */
export interface PoolLoad {
  /** Time-weighted in flight + buffered over the last second (FunctionPool.takeConcurrency). */
  readonly concurrency: number;
  /** Requests that arrived during it (FunctionPool.takeArrivals). */
  readonly arrivals: number;
  /** In flight + buffered + arriving now. */
  readonly inflight: number;
  /** When the pool last went idle, control-plane seconds; null before the first request. */
  readonly lastIdleAt: number | null;
}

/**
 * One second of a function's load: the pool's own numbers plus what the data plane carried itself
 * (HAProxy's direct traffic, which the pool never sees). A function busy on the data plane is busy:
 * its in-flight counts, and while it has any its last request "ended" now (never idle under load);
 * otherwise the later of the two idle times counts.
 */
export function combinedSample(pool: PoolLoad, carried: DataPlaneLoad, rest: Omit<LoadSample, "concurrency" | "arrivals" | "inflight" | "lastRequestEndedAt">): LoadSample {
  const carriedIdleAt = carried.inflight > 0 ? rest.now : carried.idleSinceMs === undefined ? null : carried.idleSinceMs / 1000;
  const lastRequestEndedAt = pool.lastIdleAt === null ? carriedIdleAt : carriedIdleAt === null ? pool.lastIdleAt : Math.max(pool.lastIdleAt, carriedIdleAt);
  return {
    ...rest,
    concurrency: pool.concurrency + carried.concurrency,
    arrivals: pool.arrivals + carried.arrivals,
    inflight: pool.inflight + carried.inflight,
    lastRequestEndedAt,
  };
}

/** In flight and queued now on the data plane's own (0 and 0 for the Node plane), for status, metrics and the live view. */
export function carriedNow(stats: DataPlaneStats): { inflight: number; queued: number } {
  return { inflight: stats.carried?.inflight ?? 0, queued: stats.carried?.queued ?? 0 };
}
