// A schedule trigger on aca() -> a Container Apps job (triggerType Schedule) that POSTs a binary-mode
// CloudEvent over HTTPS to the app by its name inside the environment, so an app at zero wakes up for
// it, with the trigger's delivery policy (providers/kubernetes/schedule-script.ts, shared with keda()).
import { effectiveDelivery } from "../../lib/events/models.js";
import { deriveName, type Diagnostics, type FunctionNode, type TriggerNode } from "../../lib/index.js";
import { scheduleScript } from "../kubernetes/schedule-script.js";
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
  // HTTPS (the ingress has allowInsecure: false, so plain HTTP would only get a redirect), no
  // redirects followed, success = 2xx (curl exits 0 on a 3xx); the script applies the trigger's
  // effective delivery (retries, backoff, per-attempt timeout, dead letter), so the job never retries.
  // Its diagnostics are the aca backend's to report (it asks effectiveDelivery for every trigger).
  const delivery = effectiveDelivery("aca", t).delivery;
  if (delivery === null) throw new Error(`zeroscale bug: schedule trigger ${t.id} has no delivery`);
  const dl = delivery.deadLetter?.type === "function" ? delivery.deadLetter.target : undefined;
  const { script, env, maxSeconds } = scheduleScript({
    trigger: t,
    delivery,
    target: { url: `https://${target.appName}${target.path}` },
    deadLetter: dl ? { url: `https://${acaName(deriveName(dl))}/` } : null,
    fallbackTimeoutSeconds: Math.min(fn.timeoutSeconds, 240),
    curlArgs: ["--proto", "=https"],
  });
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
        replicaTimeout: maxSeconds + 30,
        replicaRetryLimit: 0,
        scheduleTriggerConfig: { cronExpression: s.cron, parallelism: 1, replicaCompletionCount: 1 },
      },
      template: {
        containers: [
          {
            name: "send",
            image: target.image,
            command: ["/bin/sh", "-c", script],
            env,
            resources: { cpu: 0.25, memory: "0.5Gi" },
          },
        ],
      },
    },
  };
}
