// lambda(): what AWS does with a failed schedule or queue event (lib/engines/lambda/delivery.ts) and
// what the function receives. Schedules: EventBridge Scheduler invokes the live alias asynchronously,
// so function errors are Lambda's (at most 2 retries, 1 and 2 minutes apart; a dead-letter function is
// the on-failure destination); Kafka and Amazon MQ mappings retry by AWS's rules. One ZS-LAMBDA-DELIVERY
// per trigger with the effective values; the adapter fails an invocation on a non-2xx answer.
import { CloudEvent } from "cloudevents";
import { describe, expect, it } from "vitest";
import { App, type DeliveryProps, ServerlessFunction, synth } from "zeroscale";
import { lambda } from "zeroscale/providers/lambda";
import { LAMBDA_DELIVERY, lambdaDelivery } from "../lib/engines/lambda/delivery.js";
import { parseEvent, parseEvents } from "../lib/events/parse.js";
import type { DeliveryData, TriggerNode } from "../lib/graph/types.js";

const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/d";
const MQ = { brokerArn: "arn:aws:mq:eu-west-1:123456789012:broker:jobs:b-1234abcd-56ef-78ab-90cd-ef1234567890", credentialsSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jobs-creds" };

function app(delivery?: DeliveryProps, extra?: (a: App, job: ServerlessFunction) => void): App {
  const a = new App({ name: "d" });
  const job = new ServerlessFunction(a, "job", { image: `${ECR}/job:1`, concurrency: 1 });
  job.addTrigger("nightly", { schedule: { cron: "0 3 * * *", data: { task: "report" } }, ...(delivery ? { delivery } : {}) });
  extra?.(a, job);
  return a;
}
const node = (a: App, id: string) => synth(a).nodes.find((n) => n.id === id) as TriggerNode & { delivery: DeliveryData };
const compile = (a: App) => {
  const graph = synth(a);
  return lambda(graph.nodes.some((n) => n.id === "d/mq/jobs") ? { amazonMq: { "d/mq/jobs": MQ } } : {}).compile(graph);
};
const deliveryWarnings = (a: App) => compile(a).warnings.filter((w) => w.code === "ZS-LAMBDA-DELIVERY");

describe("the lambda delivery model", () => {
  it("a schedule: Lambda's asynchronous retries (at most 2, 1 min then 2 min), said once with the effective values", () => {
    const { delivery, diagnostics } = lambdaDelivery(node(app(), "d/job/nightly"), {});
    expect(delivery).toEqual({ mode: "push", retries: 2, backoff: null, deadLetter: null, timeoutSeconds: null, note: "Lambda waits 1m then 2m between attempts" });
    expect(diagnostics.map((d) => [d.code, d.path, d.prop])).toEqual([["ZS-LAMBDA-DELIVERY", "d/job/nightly", "delivery"]]);
    expect(diagnostics[0]?.problem).toContain("3 retries (Lambda retries a failed asynchronous invocation at most 2 times)");
    expect(diagnostics[0]?.problem).toContain("effective: 2 retries, backoff: platform's");
    expect(LAMBDA_DELIVERY.asyncWaitsMs).toEqual([60_000, 120_000]);
  });

  it("retries: 0 is Lambda's exactly (no warning); a dead-letter function is honoured as the on-failure destination", () => {
    expect(lambdaDelivery(node(app({ retries: 0 }), "d/job/nightly"), {}).diagnostics).toEqual([]);
    const a = app(undefined, (x, job) => {
      const failed = new ServerlessFunction(x, "failed", { image: `${ECR}/failed:1`, concurrency: 1 });
      job.addTrigger("hourly", { schedule: { cron: "0 * * * *" }, delivery: { retries: 0, deadLetter: failed } });
    });
    const { delivery, diagnostics } = lambdaDelivery(node(a, "d/job/hourly"), {});
    expect(diagnostics).toEqual([]);
    expect(delivery.deadLetter).toEqual({ type: "function", target: "d/failed" });
    expect(delivery.note).toBe("the dead letter receives Lambda's invocation record, the event in its requestPayload");
  });

  it("Kafka and Amazon MQ: AWS's own retries, no dead letter (one warning each)", () => {
    const a = app({ retries: 0 }, (x) => {
      new ServerlessFunction(x, "kafka", { image: `${ECR}/k:1`, concurrency: 1 }).addTrigger("orders", { queue: { broker: "kafka", connection: "k:9092", name: "orders" } });
      new ServerlessFunction(x, "mq", { image: `${ECR}/m:1`, concurrency: 1 }).addTrigger("jobs", { queue: { broker: "rabbitmq", connection: "amqps://b-1.mq.eu-west-1.amazonaws.com:5671", name: "jobs" }, delivery: { deadLetter: { queue: "jobs-dlq" } } });
    });
    for (const id of ["d/kafka/orders", "d/mq/jobs"]) {
      const { delivery, diagnostics } = lambdaDelivery(node(a, id), {});
      expect([delivery.retries, delivery.backoff, delivery.deadLetter], id).toEqual([null, null, null]);
      expect(diagnostics.map((d) => d.code), id).toEqual(["ZS-LAMBDA-DELIVERY"]);
    }
    expect(lambdaDelivery(node(a, "d/kafka/orders"), {}).delivery.note).toContain("until its records leave the topic");
    expect(lambdaDelivery(node(a, "d/mq/jobs"), {}).delivery.note).toContain("redelivers it by its own rules");
    expect(deliveryWarnings(a).map((w) => w.path).sort()).toEqual(["d/kafka/orders", "d/mq/jobs"]);
  });
});

describe("lambda(): the schedule, the alias's asynchronous invocation config, the adapter", () => {
  it("RetryPolicy in the plan, the alias's asyncInvoke (retries <= 2, the dead-letter function), one warning per trigger", () => {
    const a = app({ retries: 1 }, (x, job) => {
      const failed = new ServerlessFunction(x, "failed", { image: `${ECR}/failed:1`, concurrency: 1 });
      job.node.tryRemoveChild("nightly");
      job.addTrigger("nightly", { schedule: { cron: "0 3 * * *", data: { task: "report" } }, delivery: { retries: 100, deadLetter: failed } });
    });
    const plan = compile(a);
    const f = plan.functions.find((x) => x.id === "d/job")!;
    expect(f.schedules[0]?.retryPolicy).toEqual({ maximumRetryAttempts: 100, maximumEventAgeInSeconds: 86400 });
    expect(f.asyncInvoke).toEqual({ maximumRetryAttempts: 2, onFailure: "d/failed" });
    expect(f.resources).toContain(`EventInvokeConfig/${f.name}:live`);
    expect(plan.functions.find((x) => x.id === "d/failed")!.asyncInvoke).toBeNull();
    expect(deliveryWarnings(a).map((w) => w.path)).toEqual(["d/job/nightly"]);
  });

  it("two schedules of one function share the alias's config: the second one that differs is told so", () => {
    const a = app(undefined, (_x, job) => job.addTrigger("hourly", { schedule: { cron: "0 * * * *" }, delivery: { retries: 0 } }));
    // Graph order (by id): hourly's config (0 retries) is the alias's; nightly is told.
    const w = deliveryWarnings(a).filter((x) => x.problem.startsWith("cannot differ"));
    expect(w.map((x) => x.path)).toEqual(["d/job/nightly"]);
    expect(w[0]?.problem).toContain("cannot differ from d/job/hourly's: Lambda keeps one asynchronous invocation config per alias, so every schedule of d/job gets 0 retries and no dead letter");
    expect(compile(a).functions[0]?.asyncInvoke).toEqual({ maximumRetryAttempts: 0, onFailure: null });
  });

  it("AWS_LWA_ERROR_STATUS_CODES: every non-2xx fails an event invocation; 5xx only (and a warning) beside HTTP; unset for HTTP only", () => {
    const a = app(undefined, (x, job) => {
      job.addTrigger("http", { http: { path: "/api" } });
      new ServerlessFunction(x, "kafka", { image: `${ECR}/k:1`, concurrency: 1 }).addTrigger("orders", { queue: { broker: "kafka", connection: "k:9092", name: "orders" } });
      new ServerlessFunction(x, "web", { image: `${ECR}/w:1`, concurrency: 1 }).addTrigger("http", { http: { path: "/" } });
    });
    const plan = compile(a);
    const env = (id: string) => plan.functions.find((f) => f.id === id)!.env;
    expect(env("d/job")["AWS_LWA_ERROR_STATUS_CODES"]).toBe("500-599");
    expect(env("d/kafka")["AWS_LWA_ERROR_STATUS_CODES"]).toBe("300-599");
    expect(env("d/web")).not.toHaveProperty("AWS_LWA_ERROR_STATUS_CODES");
    const mixed = plan.warnings.filter((w) => w.code === "ZS-LAMBDA-DELIVERY" && w.path === "d/job");
    expect(mixed.map((w) => w.value)).toEqual([["d/job/nightly"]]);
  });
});

describe("what a Lambda function receives (the Lambda Web Adapter's POST to AWS_LWA_PASS_THROUGH_PATH)", () => {
  /** The adapter's pass-through request: POST, Content-Type application/json, the raw event JSON. */
  const passThrough = (path: string, event: unknown) => new Request(`http://127.0.0.1:8080${path}`, { method: "POST", headers: { "content-type": "application/json", "x-amzn-request-context": "null" }, body: JSON.stringify(event) });

  it("a schedule: the structured CloudEvent we set as the Scheduler's input, its id the firing (the same on every retry)", async () => {
    const plan = compile(app());
    const f = plan.functions.find((x) => x.id === "d/job")!;
    expect(f.env["AWS_LWA_PASS_THROUGH_PATH"]).toBe("/");
    // EventBridge Scheduler replaces its context attributes in the input at each firing.
    const input = JSON.parse(f.schedules[0]!.input.replaceAll("<aws.scheduler.scheduled-time>", "2026-12-02T03:00:00Z"));
    expect(new CloudEvent(input, true).validate()).toBe(true);
    const event = await parseEvent(passThrough("/", input));
    expect(event).toMatchObject({ kind: "schedule", type: "dev.zeroscale.schedule", source: "/zeroscale/d/job/nightly", id: "d/job/nightly@2026-12-02T03:00:00Z", time: "2026-12-02T03:00:00Z", data: { task: "report" } });
  });

  it("a Kafka batch and an Amazon MQ (RabbitMQ) batch, as AWS documents them, are one event per record", async () => {
    const kafka = {
      eventSource: "aws:kafka",
      eventSourceArn: "arn:aws:kafka:eu-west-1:123456789012:cluster/orders/abc",
      bootstrapServers: "b-1.orders.kafka.eu-west-1.amazonaws.com:9092",
      records: { "orders-0": [{ topic: "orders", partition: 0, offset: 15, timestamp: 1545084650987, timestampType: "CREATE_TIME", key: Buffer.from("k").toString("base64"), value: Buffer.from('{"order":"42"}').toString("base64"), headers: [{ "content-type": [97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110] }] }] },
    };
    const [k] = await parseEvents(passThrough("/", kafka));
    expect(k).toMatchObject({ kind: "queue", broker: "kafka", data: { order: "42" } });
    // The shape of AWS's example (https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html): string headers as { bytes }, a textual timestamp.
    const props = { contentType: "application/json", contentEncoding: null, headers: { header1: { bytes: [118, 97, 108, 117, 101, 49] }, numberInHeader: 10 }, deliveryMode: 1, priority: 34, correlationId: null, replyTo: null, expiration: "60000", messageId: null as string | null, timestamp: "Jan 1, 1970, 12:33:41 AM", type: null, userId: "AIDACKCEVSQ6C2EXAMPLE", appId: null, clusterId: null, bodySize: 11 };
    const rmq = {
      eventSource: "aws:rmq",
      eventSourceArn: MQ.brokerArn,
      rmqMessagesByQueue: { "jobs::/": [{ basicProperties: { ...props, messageId: "m-1" }, redelivered: false, data: Buffer.from('{"job":"7"}').toString("base64") }, { basicProperties: props, redelivered: true, data: Buffer.from('{"job":"8"}').toString("base64") }] },
    };
    const [r, noId] = await parseEvents(passThrough("/", rmq));
    expect(r).toMatchObject({ kind: "queue", broker: "rabbitmq", id: "m-1", subject: "jobs", data: { job: "7" } });
    expect(noId).toMatchObject({ kind: "queue", broker: "rabbitmq", data: { job: "8" } });
    expect((await parseEvents(passThrough("/", rmq)))[1]?.id).toBe(noId?.id); // stable without a message-id
  });
});
