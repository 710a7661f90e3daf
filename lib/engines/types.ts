import type { FunctionNode, ScalingPolicyNode, TriggerNode } from "../graph/types.js";
import type { Diagnostic } from "../validation/diagnostic.js";
import type { EngineName, MetricType, ScalingKnob } from "../vocabulary.js";

/** What a function waiting at zero does with requests while an instance starts. */
export type ColdStartBehaviour =
  | { readonly mode: "buffer"; /** Requests held per function; null = no per-function limit. */ readonly maxRequests: number | null; /** Longest a request is held, seconds. */ readonly maxWaitSeconds: number }
  | { readonly mode: "reject" };

/** A schedule baseline as an engine applies it. */
export interface EffectiveBaseline {
  readonly start: string;
  readonly end: string;
  readonly timezone: string;
  readonly minInstances: number;
}

/**
 * What an engine really does with a function and its policy: the one derivation of scaling meaning.
 * Backends compile from it, the runtime runs it, replay simulates it, the summary prints it and the
 * matchers check it.
 */
export interface EffectiveScaling {
  readonly engine: EngineName;
  readonly function: string;
  readonly policy: string;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly initialInstances: number;
  readonly metric: {
    readonly type: MetricType;
    /** Per-instance value the engine aims at (after utilization), in the metric's unit. */
    readonly target: number;
    /** Per-instance capacity before utilization. */
    readonly capacity: number;
  };
  readonly stableWindowSeconds: number;
  /** Panic window in seconds; null when the engine has no panic mode. */
  readonly panicWindowSeconds: number | null;
  /** Panic threshold as a ratio (2 = 200%); null when the engine has no panic mode. */
  readonly panicThreshold: number | null;
  /** Seconds from the end of the last request until zero instances; null when it never goes to zero. */
  readonly timeToZeroSeconds: number | null;
  /** Scale-down decisions are held this long. */
  readonly scaleDownDelaySeconds: number;
  readonly baselines: readonly EffectiveBaseline[];
  readonly coldStart: ColdStartBehaviour;
  /** Seconds between the engine's decisions: the tolerance of every time above. */
  readonly decisionIntervalSeconds: number;
}

/** The triggers and context an engine model may need besides the function and its policy. */
export interface EngineInput {
  readonly fn: FunctionNode;
  readonly policy: ScalingPolicyNode;
  /** The triggers that deliver to the function. */
  readonly triggers: readonly TriggerNode[];
}

/** An engine model's verdict: the effective behaviour, with one diagnostic per knob it approximates (warning, with the effective value) or cannot honour (error). */
export interface EngineResult {
  readonly effective: EffectiveScaling;
  readonly diagnostics: readonly Diagnostic[];
}

/** One second of observed load for one function (what both the gateway and replay feed a scaler). */
export interface LoadSample {
  /** Seconds (the scaler's clock). */
  readonly now: number;
  /** Time-weighted average of in-flight + buffered requests over the last second. */
  readonly concurrency: number;
  /** Requests that arrived during the last second. */
  readonly arrivals: number;
  /** Requests in flight or buffered right now. */
  readonly inflight: number;
  /** Queue backlog right now (queue consumers). */
  readonly backlog: number;
  /** Average CPU use of the ready instances, percent of the CPU request; null when not measured. */
  readonly cpuPercent: number | null;
  /** Average memory use of the ready instances, percent of the memory request; null when not measured. */
  readonly memoryPercent: number | null;
  /** When the last request ended, seconds on the same clock; null when none has yet. */
  readonly lastRequestEndedAt: number | null;
  /** Wall-clock time of `now` (for schedule baselines), ms since the epoch. */
  readonly wallClockMs: number;
}

/** One scaling decision, with the reason, for logs, the live view, replay and the event stream. */
export interface ScaleDecision {
  readonly at: number;
  readonly function: string;
  readonly desired: number;
  readonly ready: number;
  /** The observed metric the decision used (window average where the engine averages). */
  readonly observed: number;
  readonly panicking: boolean;
  readonly reason: string;
}

/** A running scaler: fed one LoadSample a second, it returns a decision on the engine's decision ticks. */
export interface EngineScaler {
  /** Instances to start at deploy. */
  readonly initialInstances: number;
  /**
   * A request reached the function while it had no instance, at `now`: true when the engine wakes it
   * at once (an activator holds the request), false when it waits for its own next decision (a KEDA
   * ScaledObject's poll).
   */
  activated(now: number): boolean;
  /** One second of load; `ready` and `current` (starting + ready) instances now. Null between decision ticks. */
  observe(sample: LoadSample, ready: number, current: number): ScaleDecision | null;
}

/** An engine's model: the effective behaviour of a function + policy, and a scaler that behaves so. */
export interface EngineModel<Options = unknown> {
  readonly name: EngineName;
  /** What this engine does with each knob, in words, for the capability tables (the support itself is measured from `effective`). */
  readonly notes: Readonly<Record<ScalingKnob, string>>;
  effective(input: EngineInput, options?: Options): EngineResult;
  /** A scaler with this engine's semantics, for the gateway (`--emulate`) and for replay. */
  scaler(input: EngineInput, options?: Options, now?: number): EngineScaler;
}
