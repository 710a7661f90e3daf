// Invalid: lambda rabbitmq outside Amazon MQ. Expected: ZS-LAMBDA-QUEUE-RABBITMQ at bad/fn/q (queue.broker).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-QUEUE-RABBITMQ", path: "bad/fn/q", prop: "queue.broker", message:
    "bad/fn/q: queue.broker (\"rabbitmq\") is read by Lambda only from an Amazon MQ broker, and lambda() was given none for this trigger; pass lambda({ amazonMq: { \"bad/fn/q\": { brokerArn, credentialsSecretArn } } }), or deploy with knative(), keda() or docker().",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "rabbitmq", connection: "amqp://mq:5672", name: "orders" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];
