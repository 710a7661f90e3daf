import { engineInput, engineModel } from "../engines/index.js";
import { firstActivity, lastActivity, replayEngine, type Trace } from "../engines/replay.js";
import type { DeploymentGraph } from "../graph/types.js";
import type { EngineName } from "../vocabulary.js";

/** Request arrivals and/or constant-rate segments (seconds), a queue depth series, a CPU series. */
export type ReplayTrace = Trace;

/** Whose scaling semantics to replay: an engine, or a backend by name (docker and the dev gateway run zeroscale's engine). */
export type ReplayBackend = EngineName | "docker" | "gateway";

const ENGINE_OF: Record<ReplayBackend, EngineName> = { zeroscale: "zeroscale", gateway: "zeroscale", docker: "zeroscale", knative: "knative", keda: "keda", cloudrun: "cloudrun", aca: "aca", lambda: "lambda" };

/** The engine a backend name runs. */
export function engineOfBackend(backend: ReplayBackend): EngineName {
  const engine = ENGINE_OF[backend];
  if (engine === undefined) throw new TypeError(`unknown backend "${String(backend)}": use one of ${Object.keys(ENGINE_OF).join(", ")}`);
  return engine;
}

/** Options of `Testing.replay`. */
export interface ReplayRunOptions {
  /** @default "zeroscale" (the engine of `zeroscale dev` and the Docker backend) */
  readonly backend?: ReplayBackend;
  /** Knative's scale-to-zero grace period (knative). @default 30 */
  readonly gracePeriodSeconds?: number;
  /** KEDA's pollingInterval (keda). @default 30 */
  readonly pollingInterval?: number;
  /** Instance start time, seconds. @default 1 */
  readonly coldStartSeconds?: number;
  /** Simulate until this second. */
  readonly until?: number;
  /** Wall-clock time of second 0, ms since the epoch (schedule baselines). @default 0 (1970-01-01T00:00Z) */
  readonly startMs?: number;
}

/** Instance counts over virtual time. */
export interface ReplayResult {
  readonly backend: ReplayBackend;
  readonly engine: EngineName;
  readonly function: string;
  /** When the first request arrived (or the queue first filled), seconds; null when the trace has none. */
  readonly firstActivity: number | null;
  /** When the last request ended (or the queue last emptied), seconds. */
  readonly lastActivity: number;
  /** Seconds between the engine's decisions (zeroscale 1 s, Knative 2 s, KEDA its pollingInterval). */
  readonly granularity: number;
  /** The engine's own time to zero after the last activity (null: never), from its model. */
  readonly timeToZeroSeconds: number | null;
  readonly timeline: readonly { readonly t: number; readonly instances: number; readonly ready: number }[];
}

/** Replay `trace` for function `fnId` of `graph` under an engine's scaling semantics (its model's simulator). */
export function replayGraph(graph: DeploymentGraph, fnId: string, trace: ReplayTrace, options: ReplayRunOptions = {}): ReplayResult {
  const input = engineInput(graph, fnId);
  const backend = options.backend ?? "zeroscale";
  const engine = engineOfBackend(backend);
  const model = engineModel(engine);
  const engineOptions = engine === "knative" ? { ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}) } : engine === "keda" ? { ...(options.pollingInterval !== undefined ? { pollingIntervalSeconds: options.pollingInterval } : {}) } : {};
  const effective = model.effective(input, engineOptions).effective;
  const points = replayEngine(model, input, trace, {
    engineOptions,
    ...(options.coldStartSeconds !== undefined ? { coldStartSeconds: options.coldStartSeconds } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
    ...(options.startMs !== undefined ? { startMs: options.startMs } : {}),
  });
  return {
    backend,
    engine,
    function: fnId,
    firstActivity: firstActivity(trace),
    lastActivity: lastActivity(trace),
    granularity: effective.decisionIntervalSeconds,
    timeToZeroSeconds: effective.timeToZeroSeconds,
    timeline: points.map((p) => ({ t: p.t, instances: p.desired, ready: p.ready })),
  };
}
