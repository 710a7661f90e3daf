// Queue connectors against real brokers on loopback (redis-server and rabbitmq-server, started by
// .ci/run). Under CI=true they must run; on a laptop without the brokers they skip.
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HTTP } from "cloudevents";
import { connect as amqpConnect } from "amqplib";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import { type Gateway, ProcessDriver } from "../runtime/index.js";
import { FIXTURES, startGateway, waitFor } from "./support/gateway.js";

const REDIS = process.env["ZS_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const AMQP = process.env["ZS_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672";

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = netConnect(Number(u.port), u.hostname, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}
const [hasRedis, hasRabbit] = await Promise.all([reachable(REDIS), reachable(AMQP)]);
if (process.env["CI"] === "true" && (!hasRedis || !hasRabbit)) {
  throw new Error(`CI=true but the brokers are not running (redis ${hasRedis}, rabbitmq ${hasRabbit}): .ci/run must start redis-server and rabbitmq-server`);
}

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

interface Delivery {
  headers: Record<string, string>;
  body: string;
}
const read = (file: string): Delivery[] => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Delivery) : []);

function queueApp(name: string, broker: "redis" | "rabbitmq", url: string, queue: string, file: string, failFirst = false): App {
  const app = new App({ name });
  const fn = new ServerlessFunction(app, "worker", { code: { path: "functions", handler: "echo.js#handler" }, env: { EVENTS_FILE: file, FAIL_FIRST_DELIVERY: failFirst ? "1" : "0" } });
  fn.addTrigger("q", { queue: { broker, connection: url, name: queue, consumerGroup: "workers" } });
  fn.addScalingPolicy({ initialInstances: 0, metric: { queueLength: 5 }, maxInstances: 3 });
  return app;
}

describe.skipIf(!hasRedis)("Redis Streams connector", () => {
  it("delivers each entry once as a CloudEvent, waking the function, and acks only after 2xx", async () => {
    const stream = `zs-test-${Date.now()}`;
    const file = join(mkdtempSync(join(tmpdir(), "zs-redis-")), "events.jsonl");
    const redis = new Redis(REDIS);
    gateway = await startGateway(queueApp("redisq", "redis", REDIS.replace(/\/\/[^@]*@/, "//"), stream, file, true), new ProcessDriver(FIXTURES));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await redis.xadd(stream, "*", "order", String(i))) as string);
    expect(await waitFor(() => new Set(read(file).map((d) => d.headers["ce-id"])).size === 20, 20_000)).toBe(true);
    // The first delivery failed (500) and was retried: 21 deliveries, 20 distinct entries, each acked once.
    expect(await waitFor(async () => ((await redis.xpending(stream, "workers")) as [number])[0] === 0, 15_000)).toBe(true);
    const deliveries = read(file);
    const byId = new Map<string, number>();
    for (const d of deliveries) byId.set(d.headers["ce-id"] as string, (byId.get(d.headers["ce-id"] as string) ?? 0) + 1);
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    expect([...byId.values()].sort()).toEqual([...Array(19).fill(1), 2]); // only the failed one twice
    expect(deliveries.length).toBe(21);
    const event = HTTP.toEvent({ headers: deliveries[0]!.headers, body: deliveries[0]!.body }) as { type: string; subject: string; data: unknown };
    expect(event.type).toBe("dev.zeroscale.queue.redis");
    expect(event.subject).toBe(stream);
    expect(event.data).toEqual({ order: expect.any(String) });
    redis.disconnect();
  });
});

describe.skipIf(!hasRedis)("queue backlog drives queueLength scaling", () => {
  it("scales a slow consumer out while its stream has a backlog, then back", async () => {
    const stream = `zs-backlog-${Date.now()}`;
    const app = new App({ name: "backlog" });
    const fn = new ServerlessFunction(app, "worker", { code: { path: "functions", handler: "echo.js#slowConsumer" }, concurrency: 2 });
    fn.addTrigger("q", { queue: { broker: "redis", connection: REDIS.replace(/\/\/[^@]*@/, "//"), name: stream, consumerGroup: "workers" } });
    fn.addScalingPolicy({ initialInstances: 1, maxInstances: 4, metric: { queueLength: 5 }, stableWindow: "6s" });
    const redis = new Redis(REDIS);
    gateway = await startGateway(app, new ProcessDriver(FIXTURES));
    for (let i = 0; i < 80; i++) await redis.xadd(stream, "*", "n", String(i));
    let peak = 0;
    expect(await waitFor(() => (peak = Math.max(peak, gateway?.status()[0]?.instances.ready ?? 0)) >= 3, 15_000)).toBe(true);
    expect(gateway.status()[0]?.last?.reason).toMatch(/target 5\.00 per instance/);
    expect(await waitFor(async () => ((await redis.xpending(stream, "workers")) as [number])[0] === 0 && gateway?.status()[0]?.inflight === 0, 30_000)).toBe(true);
    redis.disconnect();
  });
});

describe.skipIf(!hasRabbit)("RabbitMQ connector", () => {
  it("delivers each message once as a CloudEvent, acks after 2xx, requeues on failure", async () => {
    const queue = `zs-test-${Date.now()}`;
    const file = join(mkdtempSync(join(tmpdir(), "zs-amqp-")), "events.jsonl");
    gateway = await startGateway(queueApp("rabbitq", "rabbitmq", AMQP.replace(/\/\/[^@]*@/, "//"), queue, file, true), new ProcessDriver(FIXTURES));
    const conn = await amqpConnect(AMQP);
    const ch = await conn.createChannel();
    await ch.assertQueue(queue, { durable: true });
    for (let i = 0; i < 20; i++) ch.sendToQueue(queue, Buffer.from(JSON.stringify({ order: i })), { messageId: `m-${i}`, contentType: "application/json" });
    expect(await waitFor(() => read(file).length === 21, 20_000)).toBe(true);
    expect(await waitFor(async () => (await ch.checkQueue(queue)).messageCount === 0 && gateway?.status()[0]?.inflight === 0, 10_000)).toBe(true);
    const deliveries = read(file);
    expect(deliveries.length).toBe(21); // one failure, redelivered once
    const counts = new Map<string, number>();
    for (const d of deliveries) counts.set(d.headers["ce-id"] as string, (counts.get(d.headers["ce-id"] as string) ?? 0) + 1);
    expect([...counts.values()].sort()).toEqual([...Array(19).fill(1), 2]);
    const event = HTTP.toEvent({ headers: deliveries[0]!.headers, body: deliveries[0]!.body }) as { type: string; data: unknown };
    expect(event.type).toBe("dev.zeroscale.queue.rabbitmq");
    expect(event.data).toEqual({ order: expect.any(Number) });
    await ch.deleteQueue(queue);
    await conn.close();
  });
});
