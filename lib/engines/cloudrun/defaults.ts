/**
 * Google Cloud Run's documented scaling behaviour and limits that zeroscale's model of it uses,
 * written once. Sources (Google Cloud documentation, cloud.google.com/run/docs):
 * - about-instance-autoscaling: instances are added to keep request concurrency at 60% of the
 *   maximum concurrency, or CPU use at 60%, each averaged over a one-minute window; idle instances
 *   may be kept for up to 15 minutes after the last request; minimum instances are billed.
 * - configuring/concurrency: maxInstanceRequestConcurrency 1..1000, default 80.
 * - configuring/request-timeout: up to 3600 s, default 300 s.
 * - configuring/services/cpu and /memory-limits: CPU 1, 2, 4, 6 or 8 (below 1 only with concurrency
 *   1 and the first-generation execution environment), memory 128 MiB..32 GiB with its CPU coupling
 *   (a minimum CPU for large memory, including 0.5 above 512 MiB and 1 above 1 GiB, and a minimum
 *   memory for 4, 6 and 8 CPUs).
 * - configuring/min-instances, /max-instances: min 0 by default, max 100 by default.
 */
export const CLOUDRUN_DEFAULTS = {
  /** The autoscaler's target: 60% of maxInstanceRequestConcurrency (and 60% CPU). */
  targetUtilizationPercent: 60,
  /** CPU utilization the autoscaler keeps instances at, percent. */
  cpuTargetPercent: 60,
  /** Concurrency and CPU are averaged over a one-minute window. */
  stableWindowSeconds: 60,
  /** Idle instances are kept up to 15 minutes after the last request (not configurable). */
  idleRetentionSeconds: 900,
  /**
   * Seconds between the autoscaler's decisions: not documented; modelled as Knative's tick (Cloud
   * Run's autoscaler descends from it). The tolerance of every time in the model.
   */
  decisionIntervalSeconds: 2,
  /** A new revision starts one instance (its startup check), or minInstanceCount if higher. */
  deployInstances: 1,
  /** maxInstanceRequestConcurrency bounds. */
  maxConcurrency: 1000,
  defaultConcurrency: 80,
  /** template.timeout upper bound, seconds. */
  maxTimeoutSeconds: 3600,
  /** Allowed whole CPU counts; below 1 only with concurrency 1, from 0.08 in steps of 0.01. */
  wholeCpus: [1, 2, 4, 6, 8] as readonly number[],
  minFractionalCpuMillis: 80,
  /** Memory bounds, MiB. */
  minMemoryMiB: 128,
  maxMemoryMiB: 32 * 1024,
  /** Memory above `aboveMiB` needs at least `cpu` CPUs (highest threshold first). */
  memoryCpu: [
    { aboveMiB: 24 * 1024, cpu: 8 },
    { aboveMiB: 16 * 1024, cpu: 6 },
    { aboveMiB: 8 * 1024, cpu: 4 },
    { aboveMiB: 4 * 1024, cpu: 2 },
    { aboveMiB: 1024, cpu: 1 },
    { aboveMiB: 512, cpu: 0.5 },
  ] as readonly { readonly aboveMiB: number; readonly cpu: number }[],
  /** `cpu` CPUs need at least `minMiB` of memory. */
  cpuMemory: [
    { cpu: 4, minMiB: 2 * 1024 },
    { cpu: 6, minMiB: 4 * 1024 },
    { cpu: 8, minMiB: 4 * 1024 },
  ] as readonly { readonly cpu: number; readonly minMiB: number }[],
} as const;
