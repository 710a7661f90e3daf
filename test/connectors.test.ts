// Queue connectors against real brokers on loopback (redis-server, rabbitmq-server and nats-server -js,
// started by .ci/run). Under CI=true they must run; on a laptop without a broker its tests skip.
// Per broker: events are valid CloudEvents with the documented attributes; a failing handler is
// retried exactly `retries` times with the backoff, then dead-lettered with its id and the failure,
// while the messages behind it keep flowing; a dead-letter function gets the event with the failure.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HTTP } from "cloudevents";
import { afterEach, describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import { backoffDelayMs } from "../lib/events/delivery.js";
import { type Gateway, ProcessDriver } from "../runtime/index.js";
import { type BrokerClient, brokerClient, type DeadLettered, brokersPresent, type TestBroker } from "./support/brokers.js";
import { FIXTURES, startGateway, waitFor } from "./support/gateway.js";

const present = await brokersPresent();

let gateway: Gateway | undefined;
let client: BrokerClient | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await client?.close();
  client = undefined;
});

interface Delivery {
  at: number;
  phase: string;
  headers: Record<string, string>;
  body: string;
}
const read = (file: string): Delivery[] => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Delivery) : []);
const tmpFile = (name: string) => join(mkdtempSync(join(tmpdir(), `zs-${name}-`)), "events.jsonl");
const unique = (prefix: string) => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

const TYPES: Record<TestBroker, string> = { redis: "dev.zeroscale.queue.redis", rabbitmq: "dev.zeroscale.queue.rabbitmq", nats: "dev.zeroscale.queue.nats" };

interface AppOptions {
  readonly file: string;
  readonly poison?: string;
  readonly retries?: number;
  readonly delay?: string;
  readonly deadLetterQueue?: string;
  /** A dead-letter function recording to this file. */
  readonly deadLetterFile?: string;
  /** The dead-letter function answers 503 to its first this many events. */
  readonly deadLetterFailFirst?: number;
  /** The handler holds each event this long. */
  readonly holdMs?: number;
  /** delivery.timeout */
  readonly timeout?: string;
}

/** One worker (concurrency 1, at most 1 instance: a single slot) consuming `queue`. */
function queueApp(name: string, c: BrokerClient, queue: string, o: AppOptions): App {
  const app = new App({ name });
  const fn = new ServerlessFunction(app, "worker", { code: { path: "functions", handler: "deliveries.js#recorder" }, concurrency: 1, env: { EVENTS_FILE: o.file, POISON: o.poison ?? "", HOLD_MS: String(o.holdMs ?? 0) } });
  const dead = o.deadLetterFile ? new ServerlessFunction(app, "dead", { code: { path: "functions", handler: "deliveries.js#recorder" }, env: { EVENTS_FILE: o.deadLetterFile, FAIL_FIRST: String(o.deadLetterFailFirst ?? 0) } }) : undefined;
  fn.addTrigger("q", {
    queue: { broker: c.broker, connection: c.url, name: queue, consumerGroup: "workers" },
    delivery: {
      retries: o.retries ?? 3,
      backoff: { policy: "exponential", delay: o.delay ?? "150ms" },
      ...(dead ? { deadLetter: dead } : o.deadLetterQueue ? { deadLetter: { queue: o.deadLetterQueue } } : {}),
      ...(o.timeout ? { timeout: o.timeout } : {}),
    },
  });
  fn.addScalingPolicy({ initialInstances: 0, maxInstances: 1, metric: { queueLength: 5 } });
  dead?.addScalingPolicy({ initialInstances: 0, maxInstances: 1 });
  return app;
}

/** The delivery as a validated CloudEvent (the cloudevents SDK). */
function cloudEvent(d: Delivery) {
  const ev = HTTP.toEvent({ headers: d.headers, body: d.body }) as import("cloudevents").CloudEvent<unknown>;
  expect(ev.validate()).toBe(true);
  return ev;
}

for (const broker of ["redis", "rabbitmq", "nats"] as const) {
  describe.skipIf(!present[broker])(`${broker} connector`, () => {
    const dead: DeadLettered[] = [];
    afterEach(() => void dead.splice(0));

    it("delivers each message as a valid CloudEvent with the documented type, source, subject, id and data, and acks it", { timeout: 60_000 }, async () => {
      client = await brokerClient(broker);
      const queue = unique(`zs-ce-${broker}`);
      const file = tmpFile(broker);
      await client.prepare(queue);
      const app = `ce${broker.slice(0, 3)}`;
      gateway = await startGateway(queueApp(app, client, queue, { file }), new ProcessDriver(FIXTURES));
      const sent = new Map<string, Record<string, string>>();
      for (let i = 0; i < 5; i++) {
        const payload = { order: String(i) };
        sent.set((await client.publish(queue, payload)) as string, payload);
      }
      expect(await waitFor(() => read(file).length >= 5, 30_000)).toBe(true);
      const deliveries = read(file);
      expect(deliveries).toHaveLength(5);
      for (const d of deliveries) {
        const ev = cloudEvent(d);
        expect(ev.type).toBe(TYPES[broker]);
        expect(ev.source).toBe(`/zeroscale/${app}/worker/q`); // the trigger id: the app's name once
        expect(ev.subject).toBe(queue);
        expect(sent.has(ev.id)).toBe(true);
        expect(ev.data).toEqual(client.data(sent.get(ev.id)!));
        expect(ev.time).toBeTruthy();
      }
      expect(new Set(deliveries.map((d) => d.headers["ce-id"])).size).toBe(5);
      const g = gateway;
      gateway = undefined;
      await g.stop(); // unacknowledged messages would now go back to the broker
      expect(await waitFor(() => client!.allAcked(queue, "workers"), 5000)).toBe(true);
    });

    it("retries a failing message exactly `retries` times with the backoff, keeps the next ones flowing, then dead-letters it with its id and the failure", { timeout: 60_000 }, async () => {
      client = await brokerClient(broker);
      const queue = unique(`zs-poison-${broker}`);
      const dlq = `${queue}-dlq`;
      const file = tmpFile(broker);
      await client.prepare(queue);
      const retries = 3;
      const delayMs = 150;
      gateway = await startGateway(queueApp(`poison${broker.slice(0, 3)}`, client, queue, { file, poison: "POISON", retries, delay: `${delayMs}ms`, deadLetterQueue: dlq }), new ProcessDriver(FIXTURES));
      const poisonId = (await client.publish(queue, { order: "POISON" })) as string;
      const others: string[] = [];
      for (let i = 0; i < 10; i++) others.push((await client.publish(queue, { order: String(i) })) as string);
      expect(await waitFor(async () => (await client!.deadLetters(dlq).then((l) => (dead.push(...l), dead.length))) > 0, 30_000)).toBe(true);
      const deliveries = read(file);
      const poison = deliveries.filter((d) => d.headers["ce-id"] === poisonId);
      expect(poison).toHaveLength(retries + 1); // the first attempt and exactly `retries` more
      const gaps = poison.slice(1).map((d, i) => d.at - poison[i]!.at);
      gaps.forEach((gap, i) => {
        const wait = backoffDelayMs("exponential", delayMs, i + 1);
        expect(gap, `gap before retry ${i + 1}: ${gaps.join(", ")} ms`).toBeGreaterThanOrEqual(wait - 20);
        expect(gap, `gap before retry ${i + 1}: ${gaps.join(", ")} ms`).toBeLessThan(wait + 1000);
      });
      // one slot only, yet every later message was delivered (once) while the poison one waited
      for (const id of others) {
        const ds = deliveries.filter((d) => d.headers["ce-id"] === id);
        expect(ds).toHaveLength(1);
        expect(ds[0]!.at).toBeLessThan(poison.at(-1)!.at);
      }
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ originalId: poisonId, failure: "HTTP 500", attempts: retries + 1 });
      expect(JSON.parse(dead[0]!.payload)).toEqual({ order: "POISON" });
      expect(gateway.deliveryStats().find((s) => s.trigger.endsWith("/worker/q"))).toMatchObject({ delivered: 10, retried: retries, deadLettered: 1, dropped: 0 });
      const status = (await (await fetch(`${gateway.adminUrl}/status`)).json()) as { triggers: { trigger: string; retried: number; deadLettered: number }[] };
      expect(status.triggers).toEqual([expect.objectContaining({ trigger: expect.stringMatching(/\/worker\/q$/), retried: retries, deadLettered: 1 })]);
      const metrics = await gateway.metrics.registry.getSingleMetricAsString("zeroscale_event_deliveries_total");
      expect(metrics).toMatch(/outcome="retried"\} 3/);
      expect(metrics).toMatch(/outcome="dead-lettered"\} 1/);
      const g = gateway;
      gateway = undefined;
      await g.stop();
      expect(await waitFor(() => client!.allAcked(queue, "workers"), 5000)).toBe(true);
    });
    it("sends the event to a dead-letter function with ce-zeroscalefailure and ce-zeroscaleattempts", { timeout: 60_000 }, async () => {
      client = await brokerClient(broker);
      const queue = unique(`zs-dlfn-${broker}`);
      const file = tmpFile(broker);
      const dlFile = tmpFile(`${broker}-dl`);
      await client.prepare(queue);
      gateway = await startGateway(queueApp(`dlfn${broker.slice(0, 3)}`, client, queue, { file, poison: "POISON", retries: 1, delay: "100ms", deadLetterFile: dlFile }), new ProcessDriver(FIXTURES));
      const id = (await client.publish(queue, { order: "POISON" })) as string;
      expect(await waitFor(() => read(dlFile).length > 0, 30_000)).toBe(true);
      expect(read(file).filter((d) => d.headers["ce-id"] === id)).toHaveLength(2);
      const [d] = read(dlFile);
      const ev = cloudEvent(d!);
      expect(ev.id).toBe(id);
      expect(ev.type).toBe(TYPES[broker]);
      expect(ev["zeroscalefailure"]).toBe("HTTP 500");
      expect(ev["zeroscaleattempts"]).toBe("2");
      expect(ev.data).toEqual({ order: "POISON" });
      const g = gateway;
      gateway = undefined;
      await g.stop();
      expect(await waitFor(() => client!.allAcked(queue, "workers"), 5000)).toBe(true);
    });
    it("a dead letter that fails is tried again until it takes the message: the target is not attempted again, nothing is lost", { timeout: 60_000 }, async () => {
      client = await brokerClient(broker);
      const queue = unique(`zs-dldown-${broker}`);
      const file = tmpFile(broker);
      const dlFile = tmpFile(`${broker}-dldown`);
      await client.prepare(queue);
      gateway = await startGateway(queueApp(`dldown${broker.slice(0, 3)}`, client, queue, { file, poison: "POISON", retries: 1, delay: "100ms", deadLetterFile: dlFile, deadLetterFailFirst: 2 }), new ProcessDriver(FIXTURES));
      const id = (await client.publish(queue, { order: "POISON" })) as string;
      expect(await waitFor(() => read(dlFile).some((d) => d.phase === "done"), 30_000)).toBe(true);
      expect(read(dlFile).map((d) => [d.phase, d.headers["ce-id"]])).toEqual([["failed", id], ["failed", id], ["done", id]]);
      expect(read(file).filter((d) => d.headers["ce-id"] === id)).toHaveLength(2); // 1 + 1 retry, never again
      const g = gateway;
      gateway = undefined;
      await g.stop();
      expect(await waitFor(() => client!.allAcked(queue, "workers"), 5000)).toBe(true);
    });
  });
}

describe.skipIf(!present.redis)("per-attempt timeout", () => {
  it("an attempt longer than delivery.timeout fails (and is retried, then dead-lettered with the timeout as its failure)", { timeout: 60_000 }, async () => {
    client = await brokerClient("redis");
    const queue = unique("zs-timeout");
    const dlq = `${queue}-dlq`;
    const file = tmpFile("timeout");
    await client.prepare(queue);
    gateway = await startGateway(queueApp("timeout", client, queue, { file, retries: 1, delay: "100ms", holdMs: 2500, timeout: "1s", deadLetterQueue: dlq }), new ProcessDriver(FIXTURES));
    const id = (await client.publish(queue, { order: "slow" })) as string;
    const dead: DeadLettered[] = [];
    expect(await waitFor(async () => (dead.push(...(await client!.deadLetters(dlq))), dead.length > 0), 30_000)).toBe(true);
    expect(dead[0]).toMatchObject({ originalId: id, attempts: 2 });
    expect(dead[0]!.failure).toMatch(/did not answer within the delivery timeout \(1000ms\)/);
    const received = read(file).filter((d) => d.phase === "received");
    expect(received).toHaveLength(2);
    expect(received[1]!.at - received[0]!.at).toBeLessThan(2500); // the second attempt did not wait for the first to finish
  });
});

describe.skipIf(!present.redis)("queue backlog drives queueLength scaling", () => {
  it("scales a slow consumer out while its stream has a backlog, then back", { timeout: 60_000 }, async () => {
    client = await brokerClient("redis");
    const stream = unique("zs-backlog");
    const app = new App({ name: "backlog" });
    const fn = new ServerlessFunction(app, "worker", { code: { path: "functions", handler: "echo.js#slowConsumer" }, concurrency: 2 });
    fn.addTrigger("q", { queue: { broker: "redis", connection: client.url, name: stream, consumerGroup: "workers" } });
    fn.addScalingPolicy({ initialInstances: 1, maxInstances: 4, metric: { queueLength: 5 }, stableWindow: "6s" });
    gateway = await startGateway(app, new ProcessDriver(FIXTURES));
    for (let i = 0; i < 80; i++) await client.publish(stream, { n: String(i) });
    let peak = 0;
    expect(await waitFor(() => (peak = Math.max(peak, gateway?.status()[0]?.instances.ready ?? 0)) >= 3, 15_000)).toBe(true);
    expect(gateway.status()[0]?.last?.reason).toMatch(/target 5\.00 per instance/);
    expect(await waitFor(async () => (await client!.allAcked(stream, "workers")) && gateway?.status()[0]?.inflight === 0, 30_000)).toBe(true);
  });
});
