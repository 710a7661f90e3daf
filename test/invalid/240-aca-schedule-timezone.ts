// Invalid: aca schedule outside UTC. Expected: ZS-ACA-SCHEDULE-TZ at bad/fn/nightly (schedule.timezone).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "aca" | undefined = "aca";
export const expected = {
  code: "ZS-ACA-SCHEDULE-TZ", path: "bad/fn/nightly", prop: "schedule.timezone", message:
    "bad/fn/nightly: schedule.timezone (\"Europe/Berlin\") is not UTC: Container Apps jobs evaluate cron expressions in UTC, and a fixed shift would be wrong across daylight-saving changes; give timezone: \"UTC\" with the cron's hours shifted, or deploy with keda() or knative() (time zones honoured).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("nightly", { schedule: { cron: "0 3 * * *", timezone: "Europe/Berlin" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
