// A schedule trigger on aca() -> a Container Apps job (triggerType Schedule) that POSTs a binary-mode
// CloudEvent over HTTPS to the app by its name inside the environment, so an app at zero wakes up for it.
import type { Diagnostics, FunctionNode, TriggerNode } from "../../lib/index.js";
import { ACA_TOKENS, type AcaResource } from "./plan.js";
import { acaName } from "./resources.js";

type ScheduleSource = Extract<TriggerNode["source"], { type: "schedule" }>;

/** Where a job sends its event, and what it runs. */
export interface JobTarget {
  readonly app: string;
  readonly appName: string;
  readonly path: string;
  readonly image: string;
  readonly location: string;
  readonly environmentId: string;
  readonly tags: Readonly<Record<string, string>>;
}

const UTC = new Set(["UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"]);

export function scheduleJob(d: Diagnostics, fn: FunctionNode, t: TriggerNode, s: ScheduleSource, target: JobTarget): (AcaResource & { trigger: string }) | undefined {
  let ok = true;
  if (s.cron.trim().split(/\s+/).length !== 5) {
    d.error("ZS-ACA-CRON-SECONDS", t.id, "schedule.cron", s.cron, "has a seconds field, which a Container Apps job's cronExpression does not support", "use a 5-field cron expression");
    ok = false;
  }
  if (!UTC.has(s.timezone)) {
    d.error("ZS-ACA-SCHEDULE-TZ", t.id, "schedule.timezone", s.timezone, "is not UTC: Container Apps jobs evaluate cron expressions in UTC, and a fixed shift would be wrong across daylight-saving changes", 'give timezone: "UTC" with the cron\'s hours shifted, or deploy with keda() or knative() (time zones honoured)');
    ok = false;
  }
  if (!ok) return undefined;
  const data = s.data === null ? "" : typeof s.data === "string" ? s.data : JSON.stringify(s.data);
  // HTTPS (the ingress has allowInsecure: false, so plain HTTP would only get a redirect), no
  // redirects followed, and the job fails unless the function answered 2xx (curl exits 0 on a 3xx).
  const script = [
    'code=$(curl -sS --proto "=https" --max-time "$TIMEOUT" -o /dev/stderr -w "%{http_code}" -X POST "$TARGET_URL"',
    '-H "ce-specversion: 1.0"',
    '-H "ce-type: dev.zeroscale.schedule"',
    '-H "ce-source: $CE_SOURCE"',
    '-H "ce-id: $(cat /proc/sys/kernel/random/uuid)"',
    '-H "ce-time: $(date -u +%Y-%m-%dT%H:%M:%SZ)"',
    '-H "content-type: $CONTENT_TYPE"',
    '--data-binary "$CE_DATA") || exit 1;',
    'case "$code" in 2??) exit 0 ;; *) echo "$TARGET_URL answered HTTP $code" >&2; exit 1 ;; esac',
  ].join(" ");
  const timeout = Math.min(fn.timeoutSeconds, 240) + 30;
  const env: Record<string, string> = {
    TARGET_URL: `https://${target.appName}${target.path}`,
    CE_SOURCE: `/zeroscale/${target.app}/${t.id}`,
    CE_DATA: data,
    CONTENT_TYPE: typeof s.data === "string" ? "text/plain" : "application/json",
    TIMEOUT: String(timeout),
  };
  return {
    trigger: t.id,
    type: "Microsoft.App/jobs",
    name: acaName(t.name),
    location: target.location,
    tags: { ...target.tags, "zeroscale-owner": t.id },
    identity: { type: "UserAssigned", userAssignedIdentities: { [ACA_TOKENS.identity]: {} } },
    properties: {
      environmentId: target.environmentId,
      configuration: {
        triggerType: "Schedule",
        replicaTimeout: timeout + 30,
        replicaRetryLimit: 2,
        scheduleTriggerConfig: { cronExpression: s.cron, parallelism: 1, replicaCompletionCount: 1 },
      },
      template: {
        containers: [
          {
            name: "send",
            image: target.image,
            command: ["/bin/sh", "-c", script],
            env: Object.entries(env).map(([name, value]) => ({ name, value })),
            resources: { cpu: 0.25, memory: "0.5Gi" },
          },
        ],
      },
    },
  };
}
