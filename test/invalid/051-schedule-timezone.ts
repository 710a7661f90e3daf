// Invalid: schedule timezone. Expected: ZS-TRIGGER-SCHEDULE-TZ at bad/fn/s (schedule.timezone).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-SCHEDULE-TZ", path: "bad/fn/s", prop: "schedule.timezone", message:
    "bad/fn/s: schedule.timezone (\"Europe/Atlantis\") is not an IANA time zone; use a name such as \"UTC\", \"Europe/Berlin\" or \"America/New_York\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("s", { schedule: { cron: "0 3 * * *", timezone: "Europe/Atlantis" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
