import { ServerlessFunction } from "zeroscale";
import { docker } from "zeroscale/providers/docker";
import { conformanceSuite } from "./suite.js";

conformanceSuite({
  name: "docker",
  backend: () => docker(),
  autoscalerKinds: ["HorizontalPodAutoscaler", "ScaledObject", "HTTPScaledObject"],
  unsupported: [
    {
      title: "maxInstances above the per-function container limit",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addScalingPolicy({ maxInstances: 101 }),
      code: "ZS-DOCKER-MAX-INSTANCES",
      path: "bad/fn/scaling",
    },
    {
      title: "a Kafka queue (the gateway consumes Redis Streams, RabbitMQ and NATS JetStream)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addTrigger("k", { queue: { broker: "kafka", connection: "k:9092", name: "t" } }),
      code: "ZS-DOCKER-QUEUE-BROKER",
      path: "bad/fn/k",
    },
    {
      title: "a queue connection from a secret (the gateway config holds no secrets)",
      build: (app) =>
        new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1" }).addTrigger("q", { queue: { broker: "redis", connection: { secret: "r", key: "url" }, name: "q" } }),
      code: "ZS-DOCKER-QUEUE-CONNECTION",
      path: "bad/fn/q",
    },
  ],
});
