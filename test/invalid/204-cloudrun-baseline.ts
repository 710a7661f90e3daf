// Invalid: cloudrun baseline. Expected: ZS-CLOUDRUN-SCHEDULE-BASELINE at bad/fn/scaling (schedule).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-SCHEDULE-BASELINE", path: "bad/fn/scaling", prop: "schedule", message:
    "bad/fn/scaling: schedule ([{\"start\":\"0 8 * * 1-5\",\"end\":\"0 18 * * 1-5\",\"timezone\":\"UTC\",\"minInstances\":2}]) has no Cloud Run equivalent (minInstanceCount is static per revision); remove the baselines, raise minInstances, or deploy this app with keda() (cron scaler).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "1" });
fn.addScalingPolicy({ metric: { concurrency: 100 }, targetUtilizationPercent: 60, idleTimeout: Duration.minutes(15), schedule: [{ start: "0 8 * * 1-5", end: "0 18 * * 1-5", minInstances: 2 }] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
