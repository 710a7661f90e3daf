/**
 * zeroscale's own scaler: every ScalingPolicy knob exactly as declared. Pure state machine over an
 * injected clock (LoadSample.now, seconds; LoadSample.wallClockMs for schedule baselines), no I/O:
 * the gateway feeds it real samples, tests and replay feed it virtual ones.
 *
 * - The declared metric is averaged over the stable and panic windows (one bucket per sample) and
 *   Knative's decider arithmetic proposes ceil(observed / target): concurrency = in-flight +
 *   buffered, rps = arrivals per second, cpu / memory = average percent x ready instances (the sum,
 *   as the HPA), queueLength = backlog.
 * - Bounds [max(min, baseline), max]; initialInstances until first reached.
 * - scaleDownDelay: the max proposal over the last delay seconds (scale-up is never held).
 * - Idle to zero: with minInstances 0 and no baseline in force, zero exactly timeToZeroSeconds
 *   after the last request ended with nothing in flight (on the next decision); before that an idle
 *   function keeps at least one instance. No grace period, no stable-window wait.
 */
import { decide, type DeciderSpec, type DeciderState, initialDeciderState } from "../knative/decider.js";
import { MetricWindow } from "../metric-window.js";
import type { EffectiveScaling, EngineScaler, LoadSample, ScaleDecision } from "../types.js";
import { activeBaseline, describeBaseline } from "./baselines.js";
import { ZEROSCALE_DEFAULTS } from "./defaults.js";

const UNITS: Record<EffectiveScaling["metric"]["type"], string> = {
  concurrency: "concurrency",
  rps: "rps",
  cpu: "cpu %",
  memory: "memory %",
  queueLength: "backlog",
};

/** Times within this of a boundary count as reached (sample clocks jitter by a few ms). */
const EPSILON = 1e-6;

export class ZeroscaleScaler implements EngineScaler {
  readonly initialInstances: number;
  private readonly spec: DeciderSpec;
  private window: MetricWindow;
  private readonly panicWindow: number;
  private state: DeciderState;
  private bucket = 0;
  private lastDecisionAt: number | null = null;
  /** When the function last woke from zero (or the scaler started): idleness is counted from here when no request ended since. */
  private activeSince: number;
  private initialized: boolean;
  /** Proposals of the last scaleDownDelaySeconds: [time, proposal], times ascending, proposals strictly descending. */
  private delay: [number, number][] = [];
  /** The last sample with a queue backlog: a consumer's idleness counts from when its backlog emptied. */
  private lastBusyAt = Number.NEGATIVE_INFINITY;
  /** Last measured resource level (sum over instances), reused while a measurement is missing. */
  private lastResource = 0;

  constructor(
    readonly effective: EffectiveScaling,
    now = 0,
  ) {
    const e = effective;
    this.initialInstances = Math.min(Math.max(e.initialInstances, e.minInstances), e.maxInstances);
    this.initialized = this.initialInstances === 0;
    this.spec = {
      targetValue: Math.max(0.01, e.metric.target),
      totalValue: e.metric.capacity,
      targetBurstCapacity: 0,
      panicThreshold: e.panicThreshold ?? Number.POSITIVE_INFINITY,
      maxScaleUpRate: ZEROSCALE_DEFAULTS.maxScaleUpRate,
      maxScaleDownRate: ZEROSCALE_DEFAULTS.maxScaleDownRate,
      stableWindowSeconds: e.stableWindowSeconds,
      reachable: true,
      activationScale: 0,
      scaleDownDelaySeconds: 0, // held here, over the engine's own decision interval
    };
    this.panicWindow = e.panicWindowSeconds ?? e.stableWindowSeconds;
    this.window = new MetricWindow(Math.max(1, e.stableWindowSeconds, this.panicWindow));
    this.state = initialDeciderState(0, now);
    this.activeSince = now;
  }

  activated(now: number): boolean {
    this.activeSince = now; // the gateway's activator holds the request and wakes the function
    return true;
  }

  observe(sample: LoadSample, ready: number, current: number): ScaleDecision | null {
    const e = this.effective;
    const now = sample.now;
    this.window.record(this.bucket, this.observedOf(sample, ready));
    const bucket = this.bucket++;
    if (this.lastDecisionAt !== null && now - this.lastDecisionAt < e.decisionIntervalSeconds * 0.75) return null;
    this.lastDecisionAt = now;
    if (ready >= this.initialInstances) this.initialized = true;

    // The metric's proposal (Knative's decider arithmetic over this engine's windows).
    const stable = this.window.average(bucket, e.stableWindowSeconds);
    const panic = this.window.average(bucket, this.panicWindow);
    const out = decide(this.spec, this.state, { now, readyPods: ready, stable, panic });
    this.state = out.state;
    const panicking = out.result.panicking;
    const observed = panicking ? panic : stable;
    const proposal = Math.max(0, out.result.desiredPods);
    const held = this.holdScaleDown(now, proposal);
    const unit = UNITS[e.metric.type];
    let reason = panicking
      ? `panic: ${unit} ${observed.toFixed(1)} over ${this.panicWindow}s / target ${e.metric.target.toFixed(2)} per instance`
      : `${unit} ${observed.toFixed(1)} over ${e.stableWindowSeconds}s / target ${e.metric.target.toFixed(2)} per instance`;
    if (held > proposal) reason += `; scale-down held ${e.scaleDownDelaySeconds}s (max proposal ${held})`;

    // Bounds: the baseline in force raises the minimum.
    const base = activeBaseline(e.baselines, sample.wallClockMs);
    const floor = Math.min(e.maxInstances, Math.max(e.minInstances, base.minInstances, this.initialized ? 0 : this.initialInstances));
    const decision = (desired: number, why: string): ScaleDecision => ({ at: now, function: e.function, desired, ready, observed, panicking, reason: why });

    // Idle to zero: only with no minimum and no baseline in force.
    // Busy: requests in flight or buffered now, a backlog, or arrivals during the last second (short requests may all have ended by the sample).
    const busy = sample.inflight > 0 || sample.backlog > 0 || sample.arrivals > 0;
    if (sample.backlog > 0) this.lastBusyAt = now; // requests have their own end times (lastRequestEndedAt)
    if (floor === 0) {
      if (!busy && current === 0) return decision(0, "idle at zero");
      if (!busy && e.timeToZeroSeconds !== null) {
        // A queue consumer has no request ends: its backlog emptying (the last busy sample) counts.
        const since = Math.max(sample.lastRequestEndedAt ?? Number.NEGATIVE_INFINITY, this.activeSince, this.lastBusyAt);
        const idle = now - since;
        if (idle + EPSILON >= e.timeToZeroSeconds) {
          this.reset(now);
          return decision(0, `idle ${fmt(Math.floor(idle + EPSILON))}s of ${fmt(e.timeToZeroSeconds)}s: to zero`);
        }
        const desired = Math.min(e.maxInstances, Math.max(1, held));
        const countdown = `idle ${fmt(Math.floor(idle + EPSILON))}s of ${fmt(e.timeToZeroSeconds)}s: to zero in ${fmt(Math.ceil(e.timeToZeroSeconds - idle - EPSILON))}s`;
        if (held <= 1) return decision(desired, countdown);
        return decision(desired, `${reason}${desired < held ? `; capped at max ${e.maxInstances}` : ""}; ${countdown}`);
      }
      // Requests waiting or in flight (or no idle timeout): at least one instance.
      const desired = Math.min(e.maxInstances, Math.max(1, held));
      if (held < 1) return decision(desired, busy ? `${sample.inflight > 0 ? `${sample.inflight} in flight` : sample.backlog > 0 ? `backlog ${sample.backlog}` : `${sample.arrivals} arrived`}: 1 instance` : "no idle timeout: 1 instance");
      return decision(desired, desired < held ? `${reason}; capped at max ${e.maxInstances}` : reason);
    }
    const desired = Math.min(e.maxInstances, Math.max(floor, held));
    if (desired > held) {
      if (base.baseline && base.minInstances >= e.minInstances && desired === Math.min(e.maxInstances, base.minInstances)) return decision(desired, `baseline ${describeBaseline(base.baseline)}: min ${base.minInstances}`);
      if (!this.initialized && desired === this.initialInstances) return decision(desired, `initial ${this.initialInstances} until reached`);
      return decision(desired, `${reason}; min ${e.minInstances}`);
    }
    return decision(desired, desired < held ? `${reason}; capped at max ${e.maxInstances}` : reason);
  }

  /** At zero nothing of the last busy period may carry over to the next wake-up: panic state, windows, held proposals. */
  private reset(now: number): void {
    this.delay = [];
    this.state = initialDeciderState(0, now);
    this.window = new MetricWindow(Math.max(1, this.effective.stableWindowSeconds, this.panicWindow));
    this.lastResource = 0;
  }

  /** The metric's value for this sample, summed over instances. */
  private observedOf(s: LoadSample, ready: number): number {
    switch (this.effective.metric.type) {
      case "concurrency":
        return s.concurrency;
      case "rps":
        return s.arrivals;
      case "queueLength":
        return s.backlog;
      case "cpu":
      case "memory": {
        const percent = this.effective.metric.type === "cpu" ? s.cpuPercent : s.memoryPercent;
        if (ready === 0) this.lastResource = 0;
        else if (percent !== null) this.lastResource = percent * ready;
        return this.lastResource;
      }
    }
  }

  /** The max proposal over the last scaleDownDelaySeconds (a sliding max); a rise passes at once. */
  private holdScaleDown(now: number, proposal: number): number {
    const delaySeconds = this.effective.scaleDownDelaySeconds;
    if (delaySeconds <= 0) return proposal;
    this.delay = this.delay.filter(([t]) => t > now - delaySeconds + EPSILON);
    while (this.delay.length > 0 && (this.delay[this.delay.length - 1] as [number, number])[1] <= proposal) this.delay.pop();
    this.delay.push([now, proposal]);
    return (this.delay[0] as [number, number])[1];
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
}
