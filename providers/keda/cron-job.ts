import type { EffectiveDelivery } from "../../lib/events/delivery.js";
import type { FunctionNode, TriggerNode } from "../../lib/index.js";
import { objectMeta } from "../kubernetes/meta.js";
import type { KubeContext } from "../kubernetes/plan.js";
import { type ScriptTarget, scheduleScript } from "../kubernetes/schedule-script.js";

type ScheduleSource = Extract<TriggerNode["source"], { type: "schedule" }>;

/** Where a schedule CronJob sends its CloudEvent. */
export interface CronTarget {
  readonly interceptorUrl: string;
  /** Host header the HTTP add-on routes on (the function's internal host). */
  readonly host: string;
  readonly path: string;
  readonly image: string;
  /** Where the dead-letter function is reached (through the interceptor when the HTTP add-on scales it), when the delivery has one. @default none */
  readonly deadLetter?: ScriptTarget;
}

/**
 * A schedule trigger on KEDA -> a batch/v1 CronJob that POSTs a binary-mode CloudEvent through the
 * HTTP add-on's interceptor, so a function at zero wakes up for it.
 */
export function cronJob(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, s: ScheduleSource, target: CronTarget, delivery: EffectiveDelivery, dependsOn: string): void {
  if (s.cron.trim().split(/\s+/).length !== 5) {
    ctx.diags.error("ZS-KEDA-CRON-SECONDS", t.id, "schedule.cron", s.cron, "has a seconds field, which a Kubernetes CronJob does not support", "use a 5-field cron expression");
    return;
  }
  const viaInterceptor = (host: string, path: string) => ({ url: `${target.interceptorUrl.replace(/\/+$/, "")}${path}`, host });
  const { script, env } = scheduleScript({
    trigger: t,
    delivery,
    target: viaInterceptor(target.host, target.path),
    deadLetter: target.deadLetter ?? null,
    fallbackTimeoutSeconds: fn.timeoutSeconds,
  });
  ctx.add(
    fn,
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: objectMeta(ctx, fn, t.name, "schedule", t.id),
      spec: {
        schedule: s.cron,
        timeZone: s.timezone,
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 0, // the script retries, with the trigger's delivery policy
            template: {
              spec: {
                restartPolicy: "Never",
                automountServiceAccountToken: false,
                containers: [
                  {
                    name: "send",
                    image: target.image,
                    command: ["/bin/sh", "-c", script],
                    env,
                    resources: { limits: { cpu: "100m", memory: "32Mi" }, requests: { cpu: "10m", memory: "16Mi" } },
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      capabilities: { drop: ["ALL"] },
                      readOnlyRootFilesystem: true,
                      runAsNonRoot: true,
                      runAsUser: 100,
                      seccompProfile: { type: "RuntimeDefault" },
                    },
                  },
                ],
              },
            },
          },
        },
      },
    },
    [dependsOn],
  );
}
