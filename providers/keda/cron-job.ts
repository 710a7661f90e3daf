import type { FunctionNode, TriggerNode } from "../../lib/index.js";
import { objectMeta } from "../kubernetes/meta.js";
import type { KubeContext } from "../kubernetes/plan.js";

type ScheduleSource = Extract<TriggerNode["source"], { type: "schedule" }>;

/** Where a schedule CronJob sends its CloudEvent. */
export interface CronTarget {
  readonly interceptorUrl: string;
  /** Host header the HTTP add-on routes on (the function's internal host). */
  readonly host: string;
  readonly path: string;
  readonly image: string;
}

/**
 * A schedule trigger on KEDA -> a batch/v1 CronJob that POSTs a binary-mode CloudEvent through the
 * HTTP add-on's interceptor, so a function at zero wakes up for it.
 */
export function cronJob(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, s: ScheduleSource, target: CronTarget, dependsOn: string): void {
  if (s.cron.trim().split(/\s+/).length !== 5) {
    ctx.diags.error("ZS-KEDA-CRON-SECONDS", t.id, "schedule.cron", s.cron, "has a seconds field, which a Kubernetes CronJob does not support", "use a 5-field cron expression");
    return;
  }
  const data = s.data === null ? "" : typeof s.data === "string" ? s.data : JSON.stringify(s.data);
  const contentType = typeof s.data === "string" ? "text/plain" : "application/json";
  const script = [
    'curl -fsS --max-time "$TIMEOUT" -X POST "$TARGET_URL"',
    '-H "Host: $TARGET_HOST"',
    '-H "ce-specversion: 1.0"',
    '-H "ce-type: dev.zeroscale.schedule"',
    '-H "ce-source: $CE_SOURCE"',
    '-H "ce-id: $(cat /proc/sys/kernel/random/uuid)"',
    '-H "ce-time: $(date -u +%Y-%m-%dT%H:%M:%SZ)"',
    '-H "content-type: $CONTENT_TYPE"',
    '--data-binary "$CE_DATA"',
  ].join(" ");
  const env: Record<string, string> = {
    TARGET_URL: `${target.interceptorUrl.replace(/\/+$/, "")}${target.path}`,
    TARGET_HOST: target.host,
    CE_SOURCE: `/zeroscale/${ctx.graph.app.name}/${t.id}`,
    CE_DATA: data,
    CONTENT_TYPE: contentType,
    TIMEOUT: String(fn.timeoutSeconds + 30),
  };
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
            backoffLimit: 2,
            template: {
              spec: {
                restartPolicy: "Never",
                automountServiceAccountToken: false,
                containers: [
                  {
                    name: "send",
                    image: target.image,
                    command: ["/bin/sh", "-c", script],
                    env: Object.entries(env).map(([name, value]) => ({ name, value })),
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
