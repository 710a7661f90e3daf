// The real brokers of the connector tests (redis-server, rabbitmq-server, nats-server -js: started by
// .ci/run): reachability, and per broker how to publish, read the dead letter and check everything
// was acknowledged. Under CI=true every broker must be there.
import { connect as netConnect } from "node:net";
import { connect as amqpConnect } from "amqplib";
import { Redis } from "ioredis";
import { connect as natsConnect, headers as natsHeaders, type JetStreamManager, type NatsConnection } from "nats";
import { natsStreamName } from "../../runtime/connectors/nats.js";

export const REDIS = process.env["ZS_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
export const AMQP = process.env["ZS_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672";
export const NATS = process.env["ZS_TEST_NATS_URL"] ?? "nats://127.0.0.1:4222";

export type TestBroker = "redis" | "rabbitmq" | "nats";

export function reachable(url: string): Promise<boolean> {
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

/** Which brokers run here; throws under CI=true when one does not. */
export async function brokersPresent(): Promise<Record<TestBroker, boolean>> {
  const [redis, rabbitmq, nats] = await Promise.all([reachable(REDIS), reachable(AMQP), reachable(NATS)]);
  if (process.env["CI"] === "true" && (!redis || !rabbitmq || !nats)) {
    throw new Error(`CI=true but the brokers are not running (redis ${redis}, rabbitmq ${rabbitmq}, nats ${nats}): .ci/run must start redis-server, rabbitmq-server and nats-server -js`);
  }
  return { redis, rabbitmq, nats };
}

/** A dead-lettered message as the dead-letter queue holds it. */
export interface DeadLettered {
  readonly originalId: string;
  readonly failure: string;
  readonly attempts: number;
  readonly payload: string;
}

/** One broker, as a test drives it. */
export interface BrokerClient {
  readonly broker: TestBroker;
  /** The URL the app's trigger connects with (no credentials). */
  readonly url: string;
  /** Make sure `queue` keeps messages published before the gateway starts (Redis consumer group at "$", RabbitMQ queue, NATS stream). */
  prepare(queue: string, group?: string): Promise<void>;
  /** Publish a JSON payload (`withId`: with the broker's own message id); resolves with the CloudEvent id it must get, or null when the id is derived. */
  publish(queue: string, payload: Record<string, string>, withId?: boolean): Promise<string | null>;
  /** The expected `data` of the CloudEvent for a payload. */
  data(payload: Record<string, string>): unknown;
  /** Every message of `queue` acknowledged (nothing pending, nothing left). */
  allAcked(queue: string, group: string): Promise<boolean>;
  deadLetters(dlq: string): Promise<DeadLettered[]>;
  close(): Promise<void>;
}

const strip = (url: string) => url.replace(/\/\/[^@]*@/, "//");

export async function brokerClient(broker: TestBroker): Promise<BrokerClient> {
  switch (broker) {
    case "redis":
      return redisClient();
    case "rabbitmq":
      return rabbitClient();
    case "nats":
      return natsClient();
  }
}

async function redisClient(): Promise<BrokerClient> {
  const redis = new Redis(REDIS);
  return {
    broker: "redis",
    url: strip(REDIS),
    prepare: async (stream, group = "workers") => {
      await redis.xgroup("CREATE", stream, group, "$", "MKSTREAM").catch((e: Error) => {
        if (!e.message.includes("BUSYGROUP")) throw e;
      });
    },
    publish: async (stream, payload) => (await redis.xadd(stream, "*", ...Object.entries(payload).flat())) as string,
    data: (payload) => payload,
    allAcked: async (stream, group) => {
      const [pending] = (await redis.xpending(stream, group)) as [number];
      const groups = (await redis.xinfo("GROUPS", stream)) as unknown[][];
      const g = groups.map((x) => Object.fromEntries(Array.from({ length: x.length / 2 }, (_, i) => [String(x[2 * i]), x[2 * i + 1]]))).find((x) => x["name"] === group);
      return pending === 0 && Number(g?.["lag"] ?? 0) === 0;
    },
    deadLetters: async (dlq) => {
      const entries = (await redis.xrange(dlq, "-", "+")) as [string, string[]][];
      return entries.map(([, f]) => {
        const m = new Map<string, string>();
        for (let i = 0; i + 1 < f.length; i += 2) m.set(f[i] as string, f[i + 1] as string);
        const payload = Object.fromEntries([...m].filter(([k]) => !k.startsWith("zeroscale-")));
        return { originalId: m.get("zeroscale-original-id") ?? "", failure: m.get("zeroscale-failure") ?? "", attempts: Number(m.get("zeroscale-attempts")), payload: JSON.stringify(payload) };
      });
    },
    close: async () => void redis.disconnect(),
  };
}

async function rabbitClient(): Promise<BrokerClient> {
  const conn = await amqpConnect(AMQP);
  const ch = await conn.createConfirmChannel();
  const queues = new Set<string>();
  let n = 0;
  return {
    broker: "rabbitmq",
    url: strip(AMQP),
    prepare: async (queue) => void (await ch.assertQueue(queue, { durable: true }), queues.add(queue)),
    publish: async (queue, payload, withId = true) => {
      const id = withId ? `m-${Date.now()}-${n++}` : undefined;
      await new Promise<void>((resolve, reject) =>
        ch.sendToQueue(queue, Buffer.from(JSON.stringify(payload)), { contentType: "application/json", persistent: true, ...(id ? { messageId: id } : {}) }, (err) => (err ? reject(new Error(String(err))) : resolve())),
      );
      return id ?? null;
    },
    data: (payload) => payload,
    allAcked: async (queue) => {
      const q = await ch.checkQueue(queue);
      return q.messageCount === 0;
    },
    deadLetters: async (dlq) => {
      queues.add(dlq);
      await ch.assertQueue(dlq, { durable: true });
      const out: DeadLettered[] = [];
      for (;;) {
        const m = await ch.get(dlq, { noAck: true });
        if (!m) return out;
        const h = (m.properties.headers ?? {}) as Record<string, unknown>;
        out.push({ originalId: String(m.properties.messageId), failure: String(h["x-zeroscale-failure"]), attempts: Number(h["x-zeroscale-attempts"]), payload: m.content.toString("utf8") });
      }
    },
    close: async () => {
      for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
      await conn.close();
    },
  };
}

async function natsClient(): Promise<BrokerClient> {
  const nc: NatsConnection = await natsConnect({ servers: NATS });
  const jsm: JetStreamManager = await nc.jetstreamManager();
  const js = nc.jetstream();
  const streams = new Set<string>();
  let n = 0;
  const ensure = async (subject: string) => {
    const name = natsStreamName(subject);
    streams.add(name);
    try {
      await jsm.streams.info(name);
    } catch {
      await jsm.streams.add({ name, subjects: [subject] });
    }
  };
  return {
    broker: "nats",
    url: NATS,
    prepare: (subject) => ensure(subject),
    publish: async (subject, payload, withId = true) => {
      const id = withId ? `n-${Date.now()}-${n++}` : undefined;
      const h = natsHeaders();
      h.set("Content-Type", "application/json");
      const ack = await js.publish(subject, Buffer.from(JSON.stringify(payload)), { headers: h, ...(id ? { msgID: id } : {}) });
      return id ?? `${ack.stream}:${ack.seq}`;
    },
    data: (payload) => payload,
    allAcked: async (subject, group) => {
      const info = await jsm.consumers.info(natsStreamName(subject), group);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
    deadLetters: async (subject) => {
      const name = natsStreamName(subject);
      streams.add(name);
      let last: number;
      try {
        last = (await jsm.streams.info(name)).state.last_seq;
      } catch {
        return [];
      }
      const out: DeadLettered[] = [];
      for (let seq = 1; seq <= last; seq++) {
        const m = await jsm.streams.getMessage(name, { seq }).catch(() => undefined);
        if (!m) continue;
        out.push({ originalId: m.header.get("Zeroscale-Original-Id"), failure: m.header.get("Zeroscale-Failure"), attempts: Number(m.header.get("Zeroscale-Attempts")), payload: Buffer.from(m.data).toString("utf8") });
      }
      return out;
    },
    close: async () => {
      for (const s of streams) await jsm.streams.delete(s).catch(() => undefined);
      await nc.close();
    },
  };
}
