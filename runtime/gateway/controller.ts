import type { Logger } from "pino";
import type { EngineScaler, LoadSample, ScaleDecision } from "../../lib/engines/types.js";
import type { FunctionPool } from "./pool.js";

/**
 * The one place a function's scale is decided: each tick asks the engine's scaler (fed one
 * LoadSample), and a request at zero asks the controller too (the pool's activation path), which
 * asks the scaler whether it wakes now. Only the controller calls `pool.scaleTo`.
 */
export class ScaleController {
  constructor(
    private readonly fnId: string,
    private readonly scaler: EngineScaler,
    private readonly pool: FunctionPool,
    private readonly maxInstances: number,
    /** Seconds (the scaler's clock). */
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** Start the initial instances (held until first ready by the scaler). */
  boot(): void {
    const initial = this.scaler.initialInstances;
    if (initial > 0) {
      this.scaler.activated(this.now());
      this.pool.scaleTo(initial);
    }
  }

  /**
   * A request reached the function at zero: the engine says whether it wakes now (an activator
   * holds the request) or on its own next decision (a KEDA ScaledObject's poll).
   */
  activate(): void {
    if (this.scaler.activated(this.now())) {
      this.pool.scaleTo(Math.max(1, Math.min(this.maxInstances, this.pool.active + 1)));
      this.log.info({ fn: this.fnId }, "activating from zero");
    } else {
      this.log.debug({ fn: this.fnId }, "at zero: wakes on the engine's next decision");
    }
  }

  /** One decision: the scaler observes the sample; its decision (if any) is applied. */
  tick(sample: LoadSample, annotate?: (d: ScaleDecision) => ScaleDecision): ScaleDecision | null {
    const observed = this.scaler.observe(sample, this.pool.counts().ready, this.pool.active);
    if (!observed) return null;
    const decision = annotate ? annotate(observed) : observed;
    if (decision.desired !== this.pool.active || decision.desired !== this.pool.desired) {
      if (decision.desired !== this.pool.active) this.log.info({ fn: this.fnId, from: this.pool.active, to: decision.desired, reason: decision.reason }, "scale");
      this.pool.scaleTo(decision.desired);
    }
    return decision;
  }
}
