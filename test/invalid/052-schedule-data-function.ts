// Invalid: schedule data function. Expected: ZS-TRIGGER-SCHEDULE-DATA at bad/fn/s (schedule.data).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-SCHEDULE-DATA", path: "bad/fn/s", prop: "schedule.data", message:
    "bad/fn/s: schedule.data (\"[object Object]\") is not JSON data; pass a string or a JSON value (objects, arrays, numbers, booleans, null).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("s", { schedule: { cron: "0 3 * * *", data: { at: new Date(0) } } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
