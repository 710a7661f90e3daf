import { Construct } from "constructs";
import type { DurationLike } from "./duration.js";
import type { ServerlessFunction } from "./serverless-function.js";

const POLICY_BRAND = Symbol.for("zeroscale.ScalingPolicy");

/** What drives scaling: an object with exactly one key, its per-instance target as value. */
export type ScalingMetric =
  | { readonly concurrency: number }
  | { readonly rps: number }
  | { readonly cpu: number }
  | { readonly memory: number }
  | { readonly queueLength: number };

/** How eagerly a burst of load is answered (Knative's panic mode). */
export interface BurstOptions {
  /** Panic window as a percentage of the stable window, 1..100. @default 10 */
  readonly panicWindowPercent?: number;
  /** Enter panic mode when demand reaches this percentage of current capacity, 110..1000. @default 200 */
  readonly panicThresholdPercent?: number;
}

/** A minimum instance count held between two cron times (e.g. during business hours). */
export interface ScheduleBaseline {
  /** Cron expression when the baseline starts, e.g. "0 8 * * 1-5". */
  readonly start: string;
  /** Cron expression when it ends, e.g. "0 18 * * 1-5". */
  readonly end: string;
  /** Instances kept at least while the baseline is on, >= 1. */
  readonly minInstances: number;
  /** IANA time zone both crons are read in. @default "UTC" */
  readonly timezone?: string;
}

/**
 * What happens to requests that arrive while a function has no ready instance (at zero, or all busy
 * while a new one starts): held in a buffer until an instance is ready, or refused at once.
 */
export type ColdStartPolicy =
  | {
      /** Hold requests while an instance starts. */
      readonly buffer: {
        /** Most requests held per function; more get 503 with Retry-After, 1..100000. @default 1000 */
        readonly maxRequests?: number;
        /** Longest a request is held before 504, 1s..10m. @default 30s */
        readonly maxWait?: DurationLike;
      };
    }
  | {
      /** Answer 503 with Retry-After at once (the function still wakes up). */
      readonly reject: true;
    };

/** Everything a policy says, without its target (for `fn.addScalingPolicy`). */
export interface ScalingPolicyOptions {
  /** Fewest instances; 0 means idle-zero (scale to zero when idle). @default 0 */
  readonly minInstances?: number;
  /** Most instances, 1..1000. @default 10 */
  readonly maxInstances?: number;
  /** The scaling metric and its per-instance target. @default { concurrency: <the function's concurrency> } */
  readonly metric?: ScalingMetric;
  /** Share of the target aimed at, in percent (1..100), leaving headroom. @default 70 */
  readonly targetUtilizationPercent?: number;
  /** How long from the last request until the function is at zero (minInstances 0 only), 1s..1h. @default 90s (Knative's default: 60s stable window + 30s grace period) */
  readonly idleTimeout?: DurationLike;
  /** Instances started on deploy, 0..maxInstances. @default max(1, minInstances) */
  readonly initialInstances?: number;
  /** Hold scale-down decisions this long (scale-up is immediate), 0..1h in whole seconds. @default 0s */
  readonly scaleDownDelay?: DurationLike;
  /** The window demand is averaged over, 6s..1h in whole seconds. @default 60s */
  readonly stableWindow?: DurationLike;
  /** Burst handling. @default { panicWindowPercent: 10, panicThresholdPercent: 200 } */
  readonly burst?: BurstOptions;
  /** Minimums held on a schedule. @default [] */
  readonly schedule?: readonly ScheduleBaseline[];
  /** Requests that arrive while no instance is ready. @default the engine's own: the gateway buffers 1000 requests for 30s; Knative's activator and KEDA's interceptor buffer (docs/constructs.md) */
  readonly coldStart?: ColdStartPolicy;
}

/** Props of a {@link ScalingPolicy}. */
export interface ScalingPolicyProps extends ScalingPolicyOptions {
  /** The function this policy scales; one policy per function. */
  readonly target: ServerlessFunction;
}

/**
 * How a function scales: bounds (0 = idle-zero), the metric and its target, idle timeout, windows
 * and burst handling. It means the same on every backend; see docs/constructs.md for the mapping.
 */
export class ScalingPolicy extends Construct {
  /** True when `x` is a ScalingPolicy (also across copies of the package). */
  static isScalingPolicy(x: unknown): x is ScalingPolicy {
    return typeof x === "object" && x !== null && POLICY_BRAND in x;
  }

  /** The props this policy was created with. */
  readonly props: ScalingPolicyProps;

  constructor(scope: Construct, id: string, props: ScalingPolicyProps) {
    super(scope, id);
    Object.defineProperty(this, POLICY_BRAND, { value: true });
    this.props = props ?? ({} as ScalingPolicyProps);
  }
}
