// Invalid: lambda kafka connection from a secret. Expected: ZS-LAMBDA-QUEUE-SECRET at bad/fn/q (queue.connection).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-QUEUE-SECRET", path: "bad/fn/q", prop: "queue.connection", message:
    "bad/fn/q: queue.connection ({\"secret\":\"kafka\",\"key\":\"brokers\"}) cannot come from a secret on Lambda: an event source mapping takes its brokers in its own configuration; pass the bootstrap servers as a string (\"host:9092,host2:9092\"), or an MSK cluster in lambda({ kafkaClusters }).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "kafka", connection: { secret: "kafka", key: "brokers" }, name: "orders" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
