import type { ScalingKnob } from "../../vocabulary.js";
import { declaredScaling } from "../declared.js";
import type { EngineInput, EngineModel, EngineResult } from "../types.js";
import { ZEROSCALE_DEFAULTS } from "./defaults.js";
import { ZeroscaleScaler } from "./scaler.js";

const NOTES: Record<ScalingKnob, string> = {
  minInstances: "pool minimum",
  maxInstances: "pool maximum",
  initialInstances: "started at boot",
  "metric.concurrency": "in-flight requests per instance",
  "metric.rps": "requests per second (Knative's rps algorithm)",
  "metric.cpu": "measured instance CPU (/proc, container stats)",
  "metric.memory": "measured instance memory (/proc, container stats)",
  "metric.queueLength": "connector backlog",
  targetUtilizationPercent: "headroom on concurrency/rps",
  idleTimeout: "zero exactly idleTimeout after the last response (+-1 s)",
  scaleDownDelay: "holds scale-down decisions",
  stableWindow: "averaging window",
  burst: "panic window and threshold",
  schedule: "croner, in the baseline's time zone",
  coldStart: "the activator buffer, or 503 at once",
};

/** zeroscale's own engine (the gateway of `zeroscale dev` and the Docker backend): every knob as declared. */
export const zeroscaleEngine: EngineModel = {
  name: "zeroscale",
  notes: NOTES,
  effective(input: EngineInput): EngineResult {
    return { effective: declaredScaling("zeroscale", input, ZEROSCALE_DEFAULTS), diagnostics: [] };
  },
  scaler(input: EngineInput, _options?: unknown, now = 0) {
    return new ZeroscaleScaler(declaredScaling("zeroscale", input, ZEROSCALE_DEFAULTS), now);
  },
};

