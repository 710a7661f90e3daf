/**
 * Azure Container Apps' scaling defaults and limits that zeroscale's model of it uses, written once.
 * Sources (Microsoft Learn, "Set scaling rules in Azure Container Apps", learn.microsoft.com/azure/container-apps/scale-app,
 * and "Microsoft.App containerApps" ARM reference; "Containers in Azure Container Apps" for the
 * Consumption cpu/memory pairs; "Ingress in Azure Container Apps" for the request timeout; "Jobs in
 * Azure Container Apps" for schedule triggers): ACA's scaler is KEDA, so polling, cooldown and the
 * HPA's stabilization are KEDA's (lib/engines/keda/defaults.ts), with ACA's own defaults on top.
 */
import { KEDA_DEFAULTS } from "../keda/defaults.js";

export const ACA_DEFAULTS = {
  /** template.scale.pollingInterval: how often KEDA checks the rules (scale-rule docs: 30 s). */
  pollingIntervalSeconds: KEDA_DEFAULTS.pollingIntervalSeconds,
  /** template.scale.cooldownPeriod default (300 s); it applies only to the last replica (1 -> 0). */
  cooldownPeriodSeconds: KEDA_DEFAULTS.cooldownPeriodSeconds,
  /** The HPA's sync period under KEDA (1 <-> N). */
  hpaSyncPeriodSeconds: KEDA_DEFAULTS.hpaSyncPeriodSeconds,
  /** Scale-down between replicas: ACA sets no HPA behavior, so the HPA's default 300 s stabilization applies. */
  hpaScaleDownStabilizationSeconds: KEDA_DEFAULTS.hpaScaleDownStabilizationSeconds,
  /** The HTTP rule's window: concurrentRequests is measured as requests over the last 15 s (a rate, not a cap). */
  httpWindowSeconds: 15,
  /** The HTTP rule's concurrentRequests when none is set (ACA's default rule). */
  httpConcurrentRequests: 10,
  /** Per-replica backlog of a custom KEDA queue rule when the policy does not scale on queueLength. */
  defaultQueueTarget: KEDA_DEFAULTS.defaultQueueTarget,
  /** template.scale.maxReplicas: the platform's limit. */
  maxReplicasLimit: 1000,
  /** Ingress request timeout: fixed by the platform at 240 s. */
  ingressTimeoutSeconds: 240,
  /** A new revision starts at max(minReplicas, 1) replica and KEDA scales it from there. */
  revisionReplicas: 1,
} as const;

/**
 * The Consumption profile's allowed (vCPU, GiB) pairs ("Containers in Azure Container Apps",
 * section Allocations: memory is 2 GiB per vCPU in 0.25 vCPU steps, up to 4 vCPU / 8 GiB).
 */
export const CONSUMPTION_PAIRS: readonly { readonly cpu: number; readonly memoryGi: number }[] = Array.from({ length: 16 }, (_, i) => ({ cpu: (i + 1) * 0.25, memoryGi: (i + 1) * 0.5 }));
