import { App, ServerlessFunction } from "zeroscale";
import { lambda } from "zeroscale/providers/lambda";
import { referenceApp } from "./reference-app.js";
import { conformanceSuite } from "./suite.js";

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ref";

/** referenceApp() with its Redis worker on self-managed Kafka instead (Lambda has no Redis event source: refused below). */
function lambdaReferenceApp(): App {
  const app = referenceApp();
  app.node.tryRemoveChild("worker");
  const w = new ServerlessFunction(app, "worker", { image: "registry.example.com/ref/worker:1.0.0", concurrency: 10 });
  w.addTrigger("orders", { queue: { broker: "kafka", connection: "kafka-1.example.com:9092", name: "orders", batchSize: 10 } });
  w.addScalingPolicy({ minInstances: 0, maxInstances: 20, metric: { queueLength: 10 }, idleTimeout: "2m" });
  return app;
}

conformanceSuite({
  name: "lambda",
  backend: () => lambda({ region: "eu-west-1", registry: REGISTRY }),
  autoscalerKinds: ["ProvisionedConcurrencyConfig", "ScalableTarget"],
  reference: lambdaReferenceApp,
  unsupported: [
    {
      title: "a Redis queue (Lambda has no Redis event source)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "registry.example.com/fn:1" }).addTrigger("orders", { queue: { broker: "redis", connection: "redis://redis:6379", name: "orders" } }),
      code: "ZS-LAMBDA-QUEUE-REDIS",
      path: "bad/fn/orders",
    },
    {
      title: "a NATS queue",
      build: (app) => new ServerlessFunction(app, "fn", { image: "registry.example.com/fn:1" }).addTrigger("nats", { queue: { broker: "nats", connection: "nats://nats:4222", name: "orders" } }),
      code: "ZS-LAMBDA-QUEUE-NATS",
      path: "bad/fn/nats",
    },
    {
      title: "RabbitMQ outside Amazon MQ",
      build: (app) => new ServerlessFunction(app, "fn", { image: "registry.example.com/fn:1" }).addTrigger("q", { queue: { broker: "rabbitmq", connection: "amqp://mq:5672", name: "orders" } }),
      code: "ZS-LAMBDA-QUEUE-RABBITMQ",
      path: "bad/fn/q",
    },
    {
      title: "a cron with seconds (EventBridge Scheduler's finest unit is a minute)",
      build: (app) => new ServerlessFunction(app, "fn", { image: "registry.example.com/fn:1" }).addTrigger("tick", { schedule: { cron: "*/10 * * * * *" } }),
      code: "ZS-LAMBDA-CRON",
      path: "bad/fn/tick",
    },
    {
      title: "a cron restricting both day fields",
      build: (app) => new ServerlessFunction(app, "fn", { image: "registry.example.com/fn:1" }).addTrigger("tick", { schedule: { cron: "0 3 1 * 1" } }),
      code: "ZS-LAMBDA-CRON",
      path: "bad/fn/tick",
    },
    {
      title: "a build function with no ECR registry",
      build: (app) => new ServerlessFunction(app, "fn", { build: { context: "fn" } }),
      code: "ZS-LAMBDA-IMAGE",
      path: "bad/fn",
      backend: () => lambda(),
    },
    {
      title: "a registry outside ECR",
      build: (app) => new ServerlessFunction(app, "fn", { build: { context: "fn" } }),
      code: "ZS-LAMBDA-REGISTRY",
      path: "bad",
      backend: () => lambda({ registry: "registry.example.com/x" }),
    },
  ],
});
