// Invalid: lambda cron with seconds. Expected: ZS-LAMBDA-CRON at bad/fn/tick (schedule.cron).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-CRON", path: "bad/fn/tick", prop: "schedule.cron", message:
    "bad/fn/tick: schedule.cron (\"*/30 * * * * *\") has a seconds field, which EventBridge Scheduler and Application Auto Scaling do not take (their finest unit is a minute) (EventBridge Scheduler takes AWS's cron(minutes hours day-of-month month day-of-week year)); use 5 fields (minute hour day-of-month month day-of-week), e.g. \"*/1 * * * *\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0" });
fn.addTrigger("tick", { schedule: { cron: "*/30 * * * * *" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
