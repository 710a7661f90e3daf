// Invalid: lambda cron with both day fields. Expected: ZS-LAMBDA-CRON at bad/fn/tick (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-CRON", path: "bad/fn/tick", prop: "schedule.cron", message:
    "bad/fn/tick: schedule.cron (\"0 3 1 * 1\") restricts both day-of-month (1) and day-of-week (1): cron fires on either, AWS needs \"?\" in one of them and cannot express \"either\" (EventBridge Scheduler takes AWS's cron(minutes hours day-of-month month day-of-week year)); keep only one of the two day fields, or use two schedule triggers (one per day field).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0" });
fn.addTrigger("tick", { schedule: { cron: "0 3 1 * 1" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
