import { ServerlessFunction } from "zeroscale";
import { knative } from "zeroscale/providers/knative";
import { conformanceSuite } from "./suite.js";

conformanceSuite({
  name: "knative",
  backend: () => knative({ namespace: "ref", registry: "registry.example.com/ref" }),
  autoscalerKinds: ["HorizontalPodAutoscaler", "ScaledObject", "HTTPScaledObject"],
  unsupported: [
    {
      title: "a NATS queue (Knative has no NATS source)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addTrigger("nats", { queue: { broker: "nats", connection: "nats://nats:4222", name: "orders" } }),
      code: "ZS-KNATIVE-QUEUE-NATS",
      path: "bad/fn/nats",
    },
    {
      title: "schedule baselines (min-scale is static)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addScalingPolicy({ schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 2 }] }),
      code: "ZS-KNATIVE-SCHEDULE-BASELINE",
      path: "bad/fn/scaling",
    },
    {
      title: "a cron with seconds (PingSource takes 5 fields)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addTrigger("tick", { schedule: { cron: "*/10 * * * * *" } }),
      code: "ZS-KNATIVE-CRON-SECONDS",
      path: "bad/fn/tick",
    },
    {
      title: "a build function with no image to run",
      build: (app) => new ServerlessFunction(app, "fn", { build: { context: "fn" } }),
      code: "ZS-KNATIVE-IMAGE",
      path: "bad/fn",
      backend: () => knative(),
    },
  ],
});
