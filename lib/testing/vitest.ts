/**
 * zeroscale's vitest matchers. `import "zeroscale/testing/vitest"` (in a test or a setup file)
 * registers them with `expect.extend` and adds their types to vitest's `expect`.
 */
import { expect } from "vitest";
import type { App } from "../app.js";
import { Duration, type DurationLike } from "../duration.js";
import type { DeploymentGraph, ScalingPolicyNode, TriggerNode } from "../graph/types.js";
import { ServerlessFunction } from "../serverless-function.js";
import { synth } from "../synth.js";
import { formatDiagnostic, ValidationError } from "../validation/diagnostic.js";
import type { MetricType, TriggerKind } from "../vocabulary.js";
import { engineInput, engineModel } from "../engines/index.js";
import type { EffectiveScaling } from "../engines/types.js";
import { engineOfBackend, type ReplayBackend, type ReplayResult } from "./replay.js";
import { matchesSubset, pick, subsetScore } from "./subset.js";

/** What `toHaveTrigger` takes: a source kind with its main value ("/api", "0 3 * * *", "orders") or a subset of the source. */
export type TriggerSpec = { [K in TriggerKind]: { readonly [P in K]: string | Record<string, unknown> } }[TriggerKind];

/** The source field a `toHaveTrigger` string value matches, per trigger kind. */
const MAIN_KEY: Record<TriggerKind, string> = { http: "path", schedule: "cron", queue: "name" };

/** What `toHaveScaling` takes (short names for the policy's fields). */
export interface ScalingSpec {
  readonly min?: number;
  readonly max?: number;
  readonly initial?: number;
  readonly metric?: Partial<Record<MetricType, number>>;
  readonly idleTimeout?: DurationLike;
}

/** Which engine a matcher asks (lib/engines/), with that engine's cluster settings. */
export interface EngineMatchOptions {
  /** @default "zeroscale" (declared = effective) */
  readonly backend?: ReplayBackend;
  /** Knative's scale-to-zero grace period. @default 30 */
  readonly gracePeriodSeconds?: number;
  /** KEDA's pollingInterval. @default 30 */
  readonly pollingInterval?: number;
}

function effectiveOf(fn: ServerlessFunction, options: EngineMatchOptions = {}): EffectiveScaling {
  const engine = engineOfBackend(options.backend ?? "zeroscale");
  const engineOptions = { ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}), ...(options.pollingInterval !== undefined ? { pollingIntervalSeconds: options.pollingInterval } : {}) };
  return engineModel(engine).effective(engineInput(graphOf(fn), fn.node.path), engineOptions).effective;
}

export interface ZeroscaleMatchers<R = unknown> {
  /** The App synthesizes with no validation error. */
  toSynthWithoutErrors(): R;
  /** Synth fails with a validation error whose message matches. */
  toFailValidationWith(pattern: RegExp | string): R;
  /** On a backend's engine (default: zeroscale's own), the function is at zero `idle` after its last request: the engine model's effective time to zero. */
  toScaleToZeroAfter(idle: DurationLike, options?: EngineMatchOptions): R;
  /** The function has a trigger like this. */
  toHaveTrigger(spec: TriggerSpec): R;
  /** The function's scaling has these values: as declared, or (with `options.backend`) as that backend's engine really does it. */
  toHaveScaling(spec: ScalingSpec, options?: EngineMatchOptions): R;
  /** A plan, compile result or manifest list holds an object of this apiVersion and kind containing `subset`. */
  toContainResource(apiVersion: string, kind: string, subset?: Record<string, unknown>): R;
  /** A replay reaches at least `n` instances (within `options.within` of the start). */
  toReachInstances(n: number, options?: { within?: DurationLike }): R;
  /** A replay is at zero `idle` after its last activity, and stays there (within the engine's decision granularity). */
  toBeAtZeroAfter(idle: DurationLike): R;
}

declare module "vitest" {
  // biome-ignore lint: declaration merging with vitest's interface
  interface Matchers<T = any> extends ZeroscaleMatchers<T> {}
}

type Result = { pass: boolean; message: () => string };
interface Ctx {
  isNot: boolean;
  utils: { diff(a: unknown, b: unknown): string | null | undefined; printReceived(v: unknown): string; printExpected(v: unknown): string };
}

const seconds = (d: DurationLike): number => (Duration.isDuration(d) ? d : Duration.parse(d)).toSeconds();

function graphOf(fn: ServerlessFunction): DeploymentGraph {
  return synth(fn.node.root as App);
}

function requireFunction(received: unknown, matcher: string): ServerlessFunction {
  if (!ServerlessFunction.isServerlessFunction(received)) throw new TypeError(`${matcher} expects a ServerlessFunction, received ${typeof received}`);
  return received;
}

function policyOf(fn: ServerlessFunction): ScalingPolicyNode {
  return graphOf(fn).nodes.find((n): n is ScalingPolicyNode => n.kind === "scalingPolicy" && n.target === fn.node.path) as ScalingPolicyNode;
}

function manifestsOf(received: unknown): { apiVersion: string; kind: string }[] {
  const r = received as { resources?: { manifest?: unknown }[]; plan?: { resources?: unknown[] } } | unknown[];
  if (Array.isArray(r)) return r as { apiVersion: string; kind: string }[];
  const list = (r?.resources ?? r?.plan?.resources ?? []) as { manifest?: unknown }[];
  return list.map((x) => (x && typeof x === "object" && "manifest" in x ? x.manifest : x) as { apiVersion: string; kind: string });
}

export const zeroscaleMatchers = {
  toSynthWithoutErrors(this: Ctx, app: App): Result {
    try {
      synth(app);
      return { pass: true, message: () => `expected ${app.node.path} to fail validation, but it synthesized` };
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return { pass: false, message: () => `expected ${app.node.path} to synthesize, but:\n${e.errors.map((d) => `  - ${formatDiagnostic(d)}`).join("\n")}` };
    }
  },

  toFailValidationWith(this: Ctx, app: App, pattern: RegExp | string): Result {
    let errors: string[] = [];
    try {
      synth(app);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors = e.errors.map(formatDiagnostic);
    }
    const pass = errors.some((m) => (typeof pattern === "string" ? m.includes(pattern) : pattern.test(m)));
    return {
      pass,
      message: () =>
        errors.length === 0
          ? `expected validation to fail with ${String(pattern)}, but ${app.node.path} synthesized without errors`
          : `expected ${this.isNot ? "no " : "a "}validation error matching ${String(pattern)}; the errors are:\n${errors.map((m) => `  - ${m}`).join("\n")}`,
    };
  },

  toScaleToZeroAfter(this: Ctx, received: unknown, idle: DurationLike, options: EngineMatchOptions = {}): Result {
    const fn = requireFunction(received, "toScaleToZeroAfter");
    const e = effectiveOf(fn, options);
    const want = seconds(idle);
    const pass = e.timeToZeroSeconds === want;
    const actual = e.timeToZeroSeconds === null ? `never (effective minInstances ${e.minInstances}${e.minInstances === 0 ? ", no idle-zero on this engine" : ""})` : `after ${e.timeToZeroSeconds}s`;
    return { pass, message: () => `expected ${fn.node.path} ${this.isNot ? "not " : ""}to scale to zero after ${want}s idle on ${e.engine}; it scales to zero ${actual}` };
  },

  toHaveTrigger(this: Ctx, received: unknown, spec: TriggerSpec): Result {
    const fn = requireFunction(received, "toHaveTrigger");
    const [type, value] = Object.entries(spec)[0] as [TriggerKind, string | Record<string, unknown>];
    const mainKey = MAIN_KEY[type];
    const subset = { type, ...(typeof value === "string" ? { [mainKey]: value } : value) };
    const triggers = graphOf(fn).nodes.filter((n): n is TriggerNode => n.kind === "trigger" && n.target === fn.node.path);
    const pass = triggers.some((t) => matchesSubset(t.source, subset));
    const closest = [...triggers].sort((a, b) => subsetScore(b.source, subset) - subsetScore(a.source, subset))[0];
    return {
      pass,
      message: () =>
        triggers.length === 0
          ? `expected ${fn.node.path} to have a ${type} trigger, but it has no triggers`
          : `expected ${fn.node.path} ${this.isNot ? "not " : ""}to have a trigger matching ${JSON.stringify(subset)}\n${this.utils.diff(subset, pick(closest?.source, subset)) ?? ""}\nits triggers: ${triggers.map((t) => JSON.stringify(t.source)).join(", ")}`,
    };
  },

  toHaveScaling(this: Ctx, received: unknown, spec: ScalingSpec, options?: EngineMatchOptions): Result {
    const fn = requireFunction(received, "toHaveScaling");
    const p = policyOf(fn);
    const e = options ? effectiveOf(fn, options) : undefined;
    const actual: Record<string, unknown> = e
      ? { min: e.minInstances, max: e.maxInstances, initial: e.initialInstances, metric: { [e.metric.type]: e.metric.capacity }, idleTimeout: e.timeToZeroSeconds }
      : { min: p.minInstances, max: p.maxInstances, initial: p.initialInstances, metric: { [p.metric.type]: p.metric.target }, idleTimeout: p.idleTimeoutSeconds };
    const expected: Record<string, unknown> = { ...spec };
    if (spec.idleTimeout !== undefined) expected["idleTimeout"] = seconds(spec.idleTimeout);
    const pass = matchesSubset(actual, expected);
    return { pass, message: () => `expected ${fn.node.path}'s scaling ${this.isNot ? "not " : ""}to match (idleTimeout in seconds)\n${this.utils.diff(expected, pick(actual, expected)) ?? ""}` };
  },

  toContainResource(this: Ctx, received: unknown, apiVersion: string, kind: string, subset: Record<string, unknown> = {}): Result {
    const all = manifestsOf(received);
    const sameKind = all.filter((m) => m.apiVersion === apiVersion && m.kind === kind);
    const pass = sameKind.some((m) => matchesSubset(m, subset));
    const closest = [...sameKind].sort((a, b) => subsetScore(b, subset) - subsetScore(a, subset))[0];
    return {
      pass,
      message: () =>
        sameKind.length === 0
          ? `expected a ${apiVersion} ${kind}; the output has: ${[...new Set(all.map((m) => `${m.apiVersion} ${m.kind}`))].join(", ") || "nothing"}`
          : `expected ${this.isNot ? "no " : "a "}${apiVersion} ${kind} containing the subset; closest of ${sameKind.length}:\n${this.utils.diff(subset, pick(closest, subset)) ?? ""}`,
    };
  },

  toReachInstances(this: Ctx, r: ReplayResult, n: number, options: { within?: DurationLike } = {}): Result {
    const within = options.within === undefined ? Number.POSITIVE_INFINITY : seconds(options.within);
    const hit = r.timeline.find((p) => p.instances >= n && p.t <= within);
    const peak = r.timeline.reduce((m, p) => (p.instances > m.instances ? p : m), { t: 0, instances: 0, ready: 0 });
    return {
      pass: hit !== undefined,
      message: () =>
        `expected ${r.function} (${r.backend}) ${this.isNot ? "not " : ""}to reach ${n} instances${Number.isFinite(within) ? ` within ${within}s` : ""}; ${hit ? `it had ${hit.instances} at ${hit.t}s` : `its peak was ${peak.instances} at ${peak.t}s`}`,
    };
  },

  toBeAtZeroAfter(this: Ctx, r: ReplayResult, idle: DurationLike): Result {
    const want = r.lastActivity + seconds(idle);
    let zeroFrom: number | undefined;
    for (const p of r.timeline) {
      if (p.t < r.lastActivity) continue;
      if (p.instances === 0) zeroFrom ??= p.t;
      else zeroFrom = undefined;
    }
    const slack = 2 * r.granularity;
    // It must have served the activity: some instance between the first activity and the last.
    const woke = r.firstActivity === null || r.timeline.some((p) => p.t >= r.firstActivity! && p.t <= r.lastActivity + r.granularity && p.instances > 0);
    // An engine that decides every g seconds can be up to g early (KEDA counts cooldown from its last active poll) and 2g late.
    const pass = woke && zeroFrom !== undefined && zeroFrom >= want - Math.max(2, r.granularity) && zeroFrom <= want + slack;
    return {
      pass,
      message: () =>
        !woke
          ? `expected ${r.function} (${r.backend}) to serve its activity (${r.firstActivity}s..${r.lastActivity}s) and then be at zero, but it never had an instance then`
          : `expected ${r.function} (${r.backend}) ${this.isNot ? "not " : ""}to be at zero ${seconds(idle)}s after its last activity (${r.lastActivity}s), i.e. at ${want}s (+${slack}s for its ${r.granularity}s decisions); ${zeroFrom === undefined ? "it never stayed at zero" : `it reached zero at ${zeroFrom}s (${zeroFrom - r.lastActivity}s after)`}`,
    };
  },
};

expect.extend(zeroscaleMatchers as never);
