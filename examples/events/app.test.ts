// examples/events' own test: the worker's handler is the same for every broker and envelope (its unit
// test, below), and runs on `zeroscale dev` against the real brokers (Redis, RabbitMQ, NATS JetStream,
// started by .ci/run): each message reaches it normalised, failures are retried twice and then
// dead-lettered. Under CI=true the brokers must be there; on a laptop without them the dev part skips.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as amqpConnect } from "amqplib";
import { Redis } from "ioredis";
import { connect as natsConnect, headers as natsHeaders } from "nats";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { synth } from "zeroscale";
import { eventRequest, parseEvent } from "zeroscale/events";
import { Gateway, ProcessDriver } from "../../runtime/index.js";
import { buildEventsApp } from "./app.js";
import { handler } from "./src/worker.js";

const here = new URL(".", import.meta.url).pathname;

describe("the worker's handler (unit: the same code for every broker and envelope)", () => {
  for (const style of ["zeroscale", "knative"] as const) {
    for (const broker of ["redis", "rabbitmq", "nats"] as const) {
      if (style === "knative" && broker === "nats") continue; // no Knative source for NATS
      it(`${broker}, ${style} envelope: the same normalised event`, async () => {
        const request = eventRequest({ broker, style, id: "7-0", data: { order: "7" } });
        const event = await parseEvent(request);
        expect(event).toMatchObject({ kind: "queue", broker, data: { order: "7" } });
        if (!(style === "knative" && broker === "rabbitmq")) expect(event.id).toBe("7-0"); // RabbitmqSource: the message-id
        const response: Response = await handler(request, { event, events: [event] });
        expect(response.status).toBe(204);
      });
    }
  }
  it("answers 500 for an order it cannot process (so delivery retries it) and 400 for a non-event", async () => {
    const request = eventRequest({ broker: "redis", data: { order: "8", fail: "always" } });
    expect((await handler(request, { event: await parseEvent(request), events: [] })).status).toBe(500);
    expect((await handler(new Request("http://w/", { method: "POST", body: "{}" }), { event: undefined, events: [] })).status).toBe(400);
  });
});

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
    s.on("error", () => resolve(false));
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
  });
}
const up = await Promise.all([reachable(6379), reachable(5672), reachable(4222)]);
const brokers = up.every(Boolean);
if (process.env["CI"] === "true" && !brokers) throw new Error(`CI=true but a broker is not running (redis, rabbitmq, nats: ${up.join(", ")}): .ci/run starts them`);

interface Seen {
  id: string;
  kind?: string;
  broker?: string;
  type?: string;
  data: unknown;
  duplicate?: boolean;
  deadLetter?: boolean;
  failure?: { reason: string; attempts: number };
}
const seen = (file: string): Seen[] => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Seen) : []);

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!brokers)("on zeroscale dev, with the real brokers", () => {
  const sfx = `-${process.pid}-${Date.now()}`;
  const file = join(mkdtempSync(join(tmpdir(), "zs-events-")), "seen.jsonl");
  let gateway: Gateway | undefined;
  const redis = new Redis("redis://127.0.0.1:6379");
  afterAll(async () => {
    await gateway?.stop();
    redis.disconnect();
  });

  it("delivers a message from each broker to the same handler, normalised; failures are retried twice, then dead-lettered", { timeout: 240_000 }, async () => {
    gateway = new Gateway(synth(buildEventsApp({ suffix: sfx, seenFile: file })), { driver: new ProcessDriver(here), port: 0, adminPort: 0, logger: pino({ level: process.env["ZS_TEST_LOG"] ?? "silent" }) });
    await gateway.start();
    const amqp = await amqpConnect("amqp://guest:guest@127.0.0.1:5672");
    const ch = await amqp.createConfirmChannel();
    const nc = await natsConnect({ servers: "127.0.0.1:4222" });
    const js = nc.jetstream();
    try {
      const redisId = (await redis.xadd(`orders${sfx}`, "*", "order", "1")) as string;
      ch.sendToQueue(`orders${sfx}`, Buffer.from(JSON.stringify({ order: "1" })), { messageId: "rabbit-1", contentType: "application/json" });
      await ch.waitForConfirms();
      const h = natsHeaders();
      h.set("Nats-Msg-Id", "nats-1");
      await js.publish(`orders${sfx}.created`, JSON.stringify({ order: "1" }), { headers: h });

      const ok = await until("one delivery per broker", () => {
        const s = seen(file).filter((x) => !x.deadLetter && !x.duplicate);
        return s.length >= 3 ? s : undefined;
      });
      expect(ok.map((s) => s.broker).sort()).toEqual(["nats", "rabbitmq", "redis"]);
      for (const s of ok) expect(s).toMatchObject({ kind: "queue", data: { order: "1" } });
      expect(ok.map((s) => s.id).sort()).toEqual(["nats-1", "rabbit-1", redisId].sort());

      // Poison messages: 1 + 2 retries each, then the dead letter (Redis and RabbitMQ: a queue; NATS: the dead-letters function).
      await redis.xadd(`orders${sfx}`, "*", "order", "2", "fail", "always");
      ch.sendToQueue(`orders${sfx}`, Buffer.from(JSON.stringify({ order: "2", fail: "always" })), { messageId: "rabbit-2", contentType: "application/json" });
      await ch.waitForConfirms();
      const h2 = natsHeaders();
      h2.set("Nats-Msg-Id", "nats-2");
      await js.publish(`orders${sfx}.created`, JSON.stringify({ order: "2", fail: "always" }), { headers: h2 });

      const dlqEntry = await until("the Redis dead-letter entry", async () => {
        const entries = (await redis.xrange(`orders${sfx}-dlq`, "-", "+")) as [string, string[]][];
        return entries[0];
      });
      const fields = Object.fromEntries(dlqEntry[1].flatMap((_, i, a) => (i % 2 === 0 ? [[a[i], a[i + 1]]] : [])));
      expect(fields).toMatchObject({ order: "2", fail: "always", "zeroscale-attempts": "3" });
      expect(fields["zeroscale-failure"]).toMatch(/500/);
      // Declared as the connector declares it (durable), so polling never hits a queue that does not exist yet (a 404 closes the channel).
      await ch.assertQueue(`orders${sfx}-dlq`, { durable: true });
      const dlq = await until("the RabbitMQ dead-letter message", async () => (await ch.get(`orders${sfx}-dlq`, { noAck: true })) || undefined);
      expect(dlq.properties.messageId).toBe("rabbit-2");
      expect(JSON.parse(dlq.content.toString())).toEqual({ order: "2", fail: "always" });
      const dead = await until("the NATS dead letter at the dead-letters function", () => seen(file).find((x) => x.deadLetter));
      expect(dead).toMatchObject({ id: "nats-2", data: { order: "2", fail: "always" }, failure: { attempts: 3 } });
      expect(dead.failure?.reason).toMatch(/500/);
    } finally {
      await ch.close().catch(() => undefined);
      await amqp.close().catch(() => undefined);
      await nc.close();
    }
  });
});
