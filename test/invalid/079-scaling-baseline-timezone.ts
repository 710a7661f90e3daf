// Invalid: scaling baseline timezone. Expected: ZS-SCALING-SCHEDULE-TZ at bad/fn/scaling (schedule.0.timezone).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-SCHEDULE-TZ", path: "bad/fn/scaling", prop: "schedule.0.timezone", message:
    "bad/fn/scaling: schedule.0.timezone (\"Mars\") is not an IANA time zone; use a name such as \"UTC\", \"Europe/Berlin\" or \"America/New_York\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 2, timezone: "Mars" }] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
