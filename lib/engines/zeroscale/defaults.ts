import type { ColdStartBehaviour } from "../types.js";

/** The zeroscale gateway's defaults: the one place they are written. */
export const ZEROSCALE_DEFAULTS = {
  /** Seconds between scaling decisions (the tolerance of the time to zero). */
  decisionIntervalSeconds: 1,
  /** Requests held per function while an instance starts, and for how long. */
  coldStart: { mode: "buffer", maxRequests: 1000, maxWaitSeconds: 30 } satisfies ColdStartBehaviour,
  /** Knative's max-scale-up-rate / max-scale-down-rate, which the gateway's decider also applies. */
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  /** Most containers the Docker backend pre-creates for one function (its maxInstances). */
  dockerMaxInstances: 100,
} as const;
