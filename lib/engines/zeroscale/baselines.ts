/**
 * Schedule baselines as zeroscale's gateway applies them: a baseline is in force from a fire of its
 * `start` cron until the next fire of its `end` cron, in its time zone (croner). Pure: the time is
 * passed in.
 */
import { Cron } from "croner";
import type { EffectiveBaseline } from "../types.js";

/** The baseline in force at a time, and the one that sets it (for the decision's reason). */
export interface ActiveBaseline {
  readonly minInstances: number;
  readonly baseline: EffectiveBaseline | null;
}

interface Compiled {
  readonly start: Cron;
  readonly end: Cron;
}

// Cron objects are immutable schedules (paused, no callback): compile each (pattern, zone) once.
const cache = new Map<string, Cron>();

function cron(pattern: string, timezone: string): Cron {
  const key = `${timezone}\u0000${pattern}`;
  let c = cache.get(key);
  if (!c) {
    c = new Cron(pattern, { timezone, paused: true });
    if (cache.size > 1000) cache.clear();
    cache.set(key, c);
  }
  return c;
}

function compile(b: EffectiveBaseline): Compiled {
  return { start: cron(b.start, b.timezone), end: cron(b.end, b.timezone) };
}

/**
 * Whether `b` is in force at `wallClockMs`: the last fire of `start` at or before the time, S, exists
 * and the first fire of `end` after S is after the time. So the window is [S, next end after S).
 */
export function baselineActive(b: EffectiveBaseline, wallClockMs: number): boolean {
  const { start, end } = compile(b);
  // previousRuns excludes a fire at exactly the reference instant: look from 1 ms later.
  const [lastStart] = start.previousRuns(1, new Date(wallClockMs + 1));
  if (!lastStart || lastStart.getTime() > wallClockMs) return false;
  const nextEnd = end.nextRun(lastStart);
  return nextEnd === null || wallClockMs < nextEnd.getTime();
}

/** The largest minInstances of the baselines in force at `wallClockMs`, with the baseline that sets it (0 and null when none is). */
export function activeBaseline(baselines: readonly EffectiveBaseline[], wallClockMs: number): ActiveBaseline {
  let best: ActiveBaseline = { minInstances: 0, baseline: null };
  for (const b of baselines) {
    if (b.minInstances > best.minInstances && baselineActive(b, wallClockMs)) best = { minInstances: b.minInstances, baseline: b };
  }
  return best;
}

/** The max minInstances of the baselines whose window [last start fire, next end fire) contains `wallClockMs`; 0 when none. */
export function baselineAt(baselines: readonly EffectiveBaseline[], wallClockMs: number): number {
  return activeBaseline(baselines, wallClockMs).minInstances;
}

/** A baseline as the reasons print it: `0 8 * * 1-5 (Europe/Berlin)`. */
export function describeBaseline(b: EffectiveBaseline): string {
  return `${b.start} (${b.timezone})`;
}
