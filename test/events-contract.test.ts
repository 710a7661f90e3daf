// The event contract: what zeroscale sends (lib/events/encode.ts) is a valid CloudEvent in both
// envelopes, and parseEvent reads every backend's shape (zeroscale, Knative's sources, Cloud Scheduler,
// EventBridge Scheduler through the Lambda Web Adapter, Lambda's Kafka and Amazon MQ batches) into the
// same normalised event.
import { readFileSync } from "node:fs";
import { CloudEvent, HTTP } from "cloudevents";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONTRACT, ENGINES, QUEUE_BROKERS, type TriggerNode } from "zeroscale";
import { eventsFromMessage, NotAnEventError, parseEvent, parseEvents } from "zeroscale/events";
import { derivedMessageId, encodeQueueEvent, encodeScheduleEvent, withFailure } from "../lib/events/encode.js";

const queue = (broker: (typeof QUEUE_BROKERS)[number]): TriggerNode => ({
  kind: "trigger",
  id: "shop/orders",
  name: "shop-orders-1a2b3c4d",
  target: "shop/worker",
  source: { type: "queue", broker, connection: { url: broker === "kafka" ? "kafka:9092" : `${broker === "rabbitmq" ? "amqp" : broker}://mq:1234` }, name: "orders", consumerGroup: "g", batchSize: 1 },
  delivery: { retries: 3, backoff: { policy: "exponential", delayMs: 1000 }, deadLetter: null, timeoutSeconds: 30 },
});
const schedule = (data: unknown): TriggerNode => ({ kind: "trigger", id: "shop/nightly", name: "shop-nightly-1a2b3c4d", target: "shop/worker", source: { type: "schedule", cron: "0 3 * * *", timezone: "UTC", data }, delivery: null });

/** The SDK's own reading of an HTTP message, validated. */
function sdkRead(ev: { headers: Record<string, string>; body: Buffer }): CloudEvent<unknown> {
  // A textual body as the string an HTTP server reads (the SDK parses JSON from strings only).
  const body = /json|text/.test(ev.headers["content-type"] ?? "") ? ev.body.toString("utf8") : ev.body;
  const ce = HTTP.toEvent({ headers: ev.headers, body }) as CloudEvent<unknown>;
  expect(ce.validate()).toBe(true);
  return ce;
}

describe("zeroscale's envelope", () => {
  it("a Redis entry: dev.zeroscale.queue.redis, source /zeroscale/<trigger path> (the app's name once), the entry id, its fields as JSON", async () => {
    const ev = encodeQueueEvent("zeroscale", queue("redis"), { id: "1718000000000-0", fields: [["order", "42"], ["qty", "2"]] });
    const ce = sdkRead(ev);
    expect({ type: ce.type, source: ce.source, id: ce.id, subject: ce.subject, datacontenttype: ce.datacontenttype }).toEqual({ type: "dev.zeroscale.queue.redis", source: "/zeroscale/shop/orders", id: "1718000000000-0", subject: "orders", datacontenttype: "application/json" });
    expect(ce.data).toEqual({ order: "42", qty: "2" });
    const parsed = eventsFromMessage(ev);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ id: "1718000000000-0", idempotencyKey: "1718000000000-0", kind: "queue", broker: "redis", data: { order: "42", qty: "2" } });
  });

  it("RabbitMQ and NATS payloads pass unchanged with their content type (sniffed when absent)", () => {
    for (const broker of ["rabbitmq", "nats"] as const) {
      const json = encodeQueueEvent("zeroscale", queue(broker), { id: "m1", body: Buffer.from('{"a":1}') });
      expect(sdkRead(json).datacontenttype).toBe("application/json");
      expect(eventsFromMessage(json)[0]?.data).toEqual({ a: 1 });
      const text = encodeQueueEvent("zeroscale", queue(broker), { id: "m2", body: Buffer.from("hello") });
      expect(sdkRead(text).datacontenttype).toBe("text/plain");
      expect(eventsFromMessage(text)[0]?.data).toBe("hello");
      const bytes = encodeQueueEvent("zeroscale", queue(broker), { id: "m3", body: Buffer.from([0xff, 0x00, 0x01]) });
      expect(sdkRead(bytes).datacontenttype).toBe("application/octet-stream");
      expect(Buffer.from(eventsFromMessage(bytes)[0]?.data as Uint8Array)).toEqual(Buffer.from([0xff, 0x00, 0x01]));
      const declared = encodeQueueEvent("zeroscale", queue(broker), { id: "m4", body: Buffer.from("a,b"), contentType: "text/csv" });
      expect(sdkRead(declared).datacontenttype).toBe("text/csv");
    }
  });

  it("a schedule firing: its id is stable for the firing (retries keep it), its data as declared", () => {
    const t = schedule({ report: "daily" });
    const at = new Date("2026-12-02T03:00:00Z");
    const a = encodeScheduleEvent("zeroscale", t, { time: at });
    const b = encodeScheduleEvent("zeroscale", t, { time: at });
    const ce = sdkRead(a);
    expect({ type: ce.type, source: ce.source, id: ce.id, time: ce.time }).toEqual({ type: "dev.zeroscale.schedule", source: "/zeroscale/shop/nightly", id: "shop/nightly@2026-12-02T03:00:00.000Z", time: "2026-12-02T03:00:00.000Z" });
    expect(b.id).toBe(a.id);
    expect(eventsFromMessage(a)[0]).toMatchObject({ kind: "schedule", data: { report: "daily" } });
    expect(eventsFromMessage(encodeScheduleEvent("zeroscale", schedule("ping"), { time: at }))[0]?.data).toBe("ping");
    expect(eventsFromMessage(encodeScheduleEvent("zeroscale", schedule(null), { time: at }))[0]?.data).toBe(null);
  });

  it("a dead-letter delivery carries the failure, and parseEvent reads it", () => {
    const ev = withFailure(encodeQueueEvent("zeroscale", queue("redis"), { id: "9-0", fields: [["a", "b"]] }), { reason: "HTTP 500 from shop/worker\r\nsecond line", attempts: 4 });
    sdkRead(ev);
    expect(eventsFromMessage(ev)[0]?.failure).toEqual({ reason: "HTTP 500 from shop/worker second line", attempts: 4 });
  });

  it("every message encodes to a valid CloudEvent and parses back to its data (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...(["redis", "rabbitmq", "nats"] as const)), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== "__proto__"), fc.string({ maxLength: 16 }), { maxKeys: 4 }), fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), (broker, data, id) => {
        const msg = broker === "redis" ? { id, fields: Object.entries(data) } : { id, body: Buffer.from(JSON.stringify(data)), contentType: "application/json" };
        const ev = encodeQueueEvent("zeroscale", queue(broker), msg);
        sdkRead(ev);
        const [e] = eventsFromMessage(ev);
        expect(e?.id).toBe(id);
        expect(e?.data).toEqual(data);
      }),
      { numRuns: 60 },
    );
  });

  it("derivedMessageId is stable for the same parts and differs for others", () => {
    expect(derivedMessageId("q", Buffer.from("x"))).toBe(derivedMessageId("q", Buffer.from("x")));
    expect(derivedMessageId("q", Buffer.from("x"))).not.toBe(derivedMessageId("q", Buffer.from("y")));
    expect(derivedMessageId("q", Buffer.from("x"))).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("Knative's envelopes (what zeroscale dev --emulate knative sends)", () => {
  it("RedisStreamSource: dev.knative.sources.redisstream from <address>/<stream>, the fields as an array; parseEvent gives the same object as zeroscale's", () => {
    const ev = encodeQueueEvent("knative", queue("redis"), { id: "5-0", fields: [["order", "42"]] });
    const ce = sdkRead(ev);
    expect({ type: ce.type, source: ce.source, id: ce.id }).toEqual({ type: "dev.knative.sources.redisstream", source: "redis://mq:1234/orders", id: "5-0" });
    expect(ce.data).toEqual(["order", "42"]);
    expect(eventsFromMessage(ev)[0]?.data).toEqual({ order: "42" });
  });

  it("RabbitmqSource: its source and type; the message-id as id and subject, a fresh UUID without one", () => {
    const ev = encodeQueueEvent("knative", queue("rabbitmq"), { id: "m-1", body: Buffer.from('{"a":1}'), contentType: "application/json" });
    const ce = sdkRead(ev);
    expect({ type: ce.type, source: ce.source, id: ce.id, subject: ce.subject }).toEqual({ type: "dev.knative.rabbitmq.event", source: "/apis/v1/namespaces/default/rabbitmqsources/shop-orders-1a2b3c4d#orders", id: "m-1", subject: "m-1" });
    const anon = sdkRead(encodeQueueEvent("knative", queue("rabbitmq"), { id: derivedMessageId("x"), derivedId: true, body: Buffer.from("x") }));
    expect(anon.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(anon.subject).toBeUndefined();
  });

  it("PingSource: dev.knative.sources.ping from /apis/v1/namespaces/<ns>/pingsources/<name>", () => {
    const ce = sdkRead(encodeScheduleEvent("knative", schedule({ a: 1 }), { time: new Date(0) }, { namespace: "shop" }));
    expect({ type: ce.type, source: ce.source }).toEqual({ type: "dev.knative.sources.ping", source: "/apis/v1/namespaces/shop/pingsources/shop-nightly-1a2b3c4d" });
    expect(ce.data).toEqual({ a: 1 });
  });
});

describe("parseEvent reads the clouds' shapes", () => {
  it("Cloud Scheduler: ce- headers without a ce-id; the id is the job and its scheduled time", async () => {
    const r = new Request("http://f/", { method: "POST", headers: { "ce-specversion": "1.0", "ce-type": "dev.zeroscale.schedule", "ce-source": "/zeroscale/shop/nightly", "content-type": "application/json", "x-cloudscheduler-jobname": "shop-nightly", "x-cloudscheduler-scheduletime": "2026-12-02T03:00:00Z" }, body: '{"a":1}' });
    expect(await parseEvent(r)).toMatchObject({ id: "shop-nightly@2026-12-02T03:00:00Z", kind: "schedule", time: "2026-12-02T03:00:00Z", data: { a: 1 } });
  });

  it("EventBridge Scheduler through the Lambda Web Adapter: a structured CloudEvent as application/json", async () => {
    const body = JSON.stringify({ specversion: "1.0", type: "dev.zeroscale.schedule", source: "shop/nightly", id: "exec-1", time: "2026-12-02T03:00:00Z", datacontenttype: "application/json", data: { a: 1 } });
    const e = await parseEvent(new Request("http://f/events", { method: "POST", headers: { "content-type": "application/json" }, body }));
    expect(e).toMatchObject({ id: "exec-1", kind: "schedule", data: { a: 1 } });
  });

  it("a Lambda Kafka batch: one event per record, id partition/offset, the value decoded", async () => {
    const value = Buffer.from('{"order":"1"}').toString("base64");
    const body = JSON.stringify({ eventSource: "aws:kafka", eventSourceArn: "arn:aws:kafka:eu-west-1:1:cluster/c/x", records: { "orders-0": [{ topic: "orders", partition: 0, offset: 15, timestamp: 1764644400000, value }, { topic: "orders", partition: 0, offset: 16, timestamp: 1764644400000, value: Buffer.from("plain").toString("base64") }] } });
    const events = await parseEvents(new Request("http://f/events", { method: "POST", headers: { "content-type": "application/json" }, body }));
    expect(events.map((e) => [e.id, e.kind, e.broker, e.data])).toEqual([["partition:0/offset:15", "queue", "kafka", { order: "1" }], ["partition:0/offset:16", "queue", "kafka", "plain"]]);
    await expect(parseEvent(new Request("http://f/events", { method: "POST", headers: { "content-type": "application/json" }, body }))).rejects.toThrow(/batch of 2 events/);
  });

  it("a Lambda Amazon MQ (RabbitMQ) batch: the message-id, the content type", async () => {
    const body = JSON.stringify({ eventSource: "aws:rmq", eventSourceArn: "arn:aws:mq:eu-west-1:1:broker:b:id", rmqMessagesByQueue: { "orders::/": [{ basicProperties: { contentType: "application/json", messageId: "m-9" }, redelivered: false, data: Buffer.from('{"a":2}').toString("base64") }] } });
    const [e] = await parseEvents(new Request("http://f/events", { method: "POST", headers: { "content-type": "application/json" }, body }));
    expect(e).toMatchObject({ id: "m-9", kind: "queue", broker: "rabbitmq", subject: "orders", data: { a: 2 } });
  });

  it("a plain request is not an event, and the request stays readable", async () => {
    const r = new Request("http://f/", { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    await expect(parseEvent(r)).rejects.toBeInstanceOf(NotAnEventError);
    expect(await r.json()).toEqual({ a: 1 });
  });
});

describe("the contract table", () => {
  it("documents every engine x (schedule, each broker)", () => {
    for (const e of ENGINES) {
      expect(CONTRACT[e].schedule).toBeDefined();
      for (const b of QUEUE_BROKERS) expect(CONTRACT[e].queue[b]).toBeDefined();
    }
  });

  it("the runner ships the parser as one self-contained file (no imports at run time)", () => {
    const js = readFileSync(new URL("../dist/lib/events/parse.js", import.meta.url), "utf8");
    expect(js).not.toMatch(/^\s*import\s|\brequire\(|\bimport\(/m);
  });
});
