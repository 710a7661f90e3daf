import { ServerlessFunction } from "zeroscale";
import { keda } from "zeroscale/providers/keda";
import { conformanceSuite } from "./suite.js";

conformanceSuite({
  name: "keda",
  backend: () => keda({ namespace: "ref", registry: "registry.example.com/ref" }),
  autoscalerKinds: ["HorizontalPodAutoscaler", "ScaledObject", "HTTPScaledObject"],
  // each push-mode queue trigger's dispatcher (providers/keda/dispatcher.ts) has its own ScaledObject (0..1)
  helperResource: (r) => r.endsWith("-dispatch"),
  unsupported: [
    {
      title: "HTTP and queue triggers on one function (two autoscalers)",
      build: (app) => {
        const fn = new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" });
        fn.addTrigger("http", { http: { path: "/fn" } });
        fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q" } });
      },
      code: "ZS-KEDA-ONE-AUTOSCALER",
      path: "bad/fn",
    },
    {
      title: "rps on a queue consumer (the HTTP add-on sees no traffic)",
      build: (app) => {
        const fn = new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" });
        fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q" } });
        fn.addScalingPolicy({ metric: { rps: 10 } });
      },
      code: "ZS-KEDA-QUEUE-RPS",
      path: "bad/fn/scaling",
    },
    {
      title: "cpu metric on an HTTP function",
      build: (app) => {
        const fn = new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" });
        fn.addTrigger("http", { http: { path: "/fn" } });
        fn.addScalingPolicy({ metric: { cpu: 70 } });
      },
      code: "ZS-KEDA-HTTP-METRIC",
      path: "bad/fn/scaling",
    },
    {
      title: "a Kafka connection from a secret (the scaler takes bootstrapServers in metadata)",
      build: (app) =>
        new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addTrigger("k", { queue: { broker: "kafka", connection: { secret: "kafka", key: "servers" }, name: "t" } }),
      code: "ZS-KEDA-QUEUE-KAFKA",
      path: "bad/fn/k",
    },
    {
      title: "a build function with no image to run",
      build: (app) => new ServerlessFunction(app, "fn", { build: { context: "fn" } }),
      code: "ZS-KEDA-IMAGE",
      path: "bad/fn",
      backend: () => keda(),
    },
  ],
});
