import type { EffectiveScaling, EngineScaler, LoadSample, ScaleDecision } from "../types.js";
import { LAMBDA_DEFAULTS } from "./defaults.js";

/**
 * Lambda's scaling, one step a second: every concurrent request (or, for a queue consumer, every
 * batch of backlog) needs its own environment; new ones start at once (up to 1,000 per 10 s) and at
 * most `maxInstances` (reserved concurrency; beyond it requests are throttled). Idle environments are
 * frozen and reclaimed `timeToZeroSeconds` after their last request, never below provisioned
 * concurrency (`minInstances`, raised by schedule baselines).
 */
export class LambdaScaler implements EngineScaler {
  /** Environments in use per second, for the reclaim window. */
  private readonly recent: { t: number; n: number }[] = [];
  private environments: number;
  private startedThisWindow = 0;
  private windowStart = 0;

  constructor(
    readonly effective: EffectiveScaling,
    private readonly baseline: (wallClockMs: number) => number = () => 0,
  ) {
    this.environments = effective.initialInstances;
  }

  get initialInstances(): number {
    return this.effective.initialInstances;
  }

  activated(_now: number): boolean {
    return true; // a request with no free environment starts one at once (it waits for its own Init)
  }

  /** Environments this second's load needs. */
  private needed(s: LoadSample): number {
    const e = this.effective;
    const perEnv = e.metric.target;
    const load = e.metric.type === "queueLength" ? s.backlog : Math.max(s.inflight, s.concurrency);
    return Math.ceil(load / perEnv - 1e-9);
  }

  observe(sample: LoadSample, ready: number): ScaleDecision | null {
    const e = this.effective;
    const t = sample.now;
    if (t - this.windowStart >= 10) {
      this.windowStart = t;
      this.startedThisWindow = 0;
    }
    const floor = Math.min(e.maxInstances, Math.max(e.minInstances, this.baseline(sample.wallClockMs)));
    let want = Math.min(e.maxInstances, this.needed(sample));
    const room = LAMBDA_DEFAULTS.scaleUpPerTenSeconds - this.startedThisWindow;
    if (want > this.environments) want = Math.min(want, this.environments + Math.max(0, room));
    this.recent.push({ t, n: want });
    const keep = LAMBDA_DEFAULTS.environmentReclaimSeconds;
    while (this.recent.length > 0 && (this.recent[0] as { t: number }).t <= t - keep) this.recent.shift();
    // Environments used in the reclaim window are still there (frozen), the others are gone.
    const warm = Math.max(0, ...this.recent.map((r) => r.n));
    const next = Math.max(floor, warm);
    const before = this.environments;
    if (next > before) this.startedThisWindow += next - before;
    this.environments = next;
    const reason =
      next > before ? `${next - before} new environment(s) for ${want} concurrent request(s)` : next < before ? `idle environments reclaimed after ${keep}s` : `steady at ${next}`;
    return { at: t, function: e.function, desired: next, ready, observed: want, panicking: false, reason };
  }
}
