// Invalid: knative cron seconds. Expected: ZS-KNATIVE-CRON-SECONDS at bad/fn/s (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "knative";
export const expected = {
  code: "ZS-KNATIVE-CRON-SECONDS", path: "bad/fn/s", prop: "schedule.cron", message:
    "bad/fn/s: schedule.cron (\"*/5 * * * * *\") has a seconds field, which PingSource does not support; use a 5-field cron expression.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("s", { schedule: { cron: "*/5 * * * * *" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
