/** KEDA's (and the HTTP add-on's) defaults that zeroscale's model of it uses, written once. */
export const KEDA_DEFAULTS = {
  /** ScaledObject pollingInterval: how often KEDA checks triggers (activation 0 <-> 1, cooldown). */
  pollingIntervalSeconds: 30,
  /** The HPA's sync period (1 <-> N). */
  hpaSyncPeriodSeconds: 15,
  /** The HPA's default scale-down stabilization window (when no behavior is set). */
  hpaScaleDownStabilizationSeconds: 300,
  /** ScaledObject cooldownPeriod when none is set. */
  cooldownPeriodSeconds: 300,
  /** Per-instance backlog a queue consumer scales on when the policy does not scale on queueLength. */
  defaultQueueTarget: 5,
  /** The HTTP add-on interceptor's wait for a ready replica (Helm value interceptor.replicas.waitTimeout). */
  interceptorWaitTimeoutSeconds: 20,
  /** A new Deployment starts with one replica. */
  deploymentReplicas: 1,
} as const;
