// Invalid: lambda baseline cron with both day fields. Expected: ZS-LAMBDA-CRON at bad/fn/scaling (schedule[0].start).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-CRON", path: "bad/fn/scaling", prop: "schedule[0].start", message:
    "bad/fn/scaling: schedule[0].start (\"0 8 1 * 1-5\") restricts both day-of-month (1) and day-of-week (1-5): cron fires on either, AWS needs \"?\" in one of them and cannot express \"either\" (an Application Auto Scaling scheduled action takes AWS's cron form); keep only one of the two day fields, or use two schedule triggers (one per day field).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ minInstances: 1, schedule: [{ start: "0 8 1 * 1-5", end: "0 18 * * 1-5", minInstances: 3 }] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
