/**
 * Knative Serving's defaults that zeroscale's model of it uses (config-autoscaler and the activator),
 * written once. Sources: shared notes on Knative's KPA (config/core/configmaps/autoscaler.yaml).
 */
export const KNATIVE_DEFAULTS = {
  /** scale-to-zero-grace-period. */
  gracePeriodSeconds: 30,
  /** The decider's tick (multiscaler.go), also the scale-down-delay bucket. */
  tickSeconds: 2,
  /** max-scale-up-rate and max-scale-down-rate. */
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  /** initial-scale, used when 0 is asked without allow-zero-initial-scale. */
  initialScale: 1,
  /** target-burst-capacity: the activator stays in the path while spare capacity is below this. */
  targetBurstCapacity: 211,
  /** The Kubernetes HPA's default scale-down stabilization, which the HPA class keeps. */
  hpaScaleDownStabilizationSeconds: 300,
  /** The HPA class never goes below one pod. */
  hpaMinScale: 1,
} as const;
