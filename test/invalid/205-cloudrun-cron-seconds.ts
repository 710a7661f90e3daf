// Invalid: cloudrun cron seconds. Expected: ZS-CLOUDRUN-CRON-SECONDS at bad/fn/tick (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-CRON-SECONDS", path: "bad/fn/tick", prop: "schedule.cron", message:
    "bad/fn/tick: schedule.cron (\"*/10 * * * * *\") has a seconds field, which Cloud Scheduler does not support; use a 5-field cron expression.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "1" });
fn.addTrigger("tick", { schedule: { cron: "*/10 * * * * *" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
