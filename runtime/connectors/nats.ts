import { AckPolicy, connect, type ConsumerConfig, DeliverPolicy, headers as natsHeaders, type JetStreamClient, type JetStreamManager, type JsMsg, type MsgHdrs, nanos, type NatsConnection, type Subscription } from "nats";
import { encodeQueueEvent, type EncodedEvent } from "../../lib/events/encode.js";
import type { Connector, ConnectorOptions } from "./index.js";
import { connectorEngine, type DeliveryStats, type Failure, type Job, MAX_WAITING, type RetryEngine } from "./retry.js";
import { sleep } from "./sleep.js";

/** How long the server waits for an ack before redelivering (an attempt under way is kept alive with `working()`). */
export const NATS_ACK_WAIT_MS = 10_000;

/** The stream zeroscale creates for a subject no stream holds: the subject with every character other than [A-Za-z0-9_-] replaced by "_" ("orders.new" -> "orders_new"). */
export function natsStreamName(subject: string): string {
  return subject.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** The stream holding `subject`, created (file storage, limits retention) when none does. */
export async function ensureNatsStream(jsm: JetStreamManager, subject: string): Promise<string> {
  try {
    return await jsm.streams.find(subject);
  } catch {
    const name = natsStreamName(subject);
    await jsm.streams.add({ name, subjects: [subject] });
    return name;
  }
}

/**
 * Consumes a NATS JetStream subject with a durable pull consumer named queue.consumerGroup on the
 * stream holding queue.name (created as natsStreamName(subject) when none does). Each message is one
 * CloudEvent (id: its Nats-Msg-Id header, else `<stream>:<sequence>`) run through the retry engine,
 * one attempt per delivery: ack after a 2xx; a failed attempt is nak'ed with the backoff delay (the
 * server redelivers it; it holds no slot meanwhile), with max_deliver unlimited: the attempts are
 * counted from the delivery count, so they survive a restart, and the server never gives a message
 * up (one whose dead letter cannot be written yet is redelivered, not lost). After the last
 * failed attempt the connector publishes it to the dead-letter subject (its stream created likewise:
 * the DLQ stream; the payload and headers + Zeroscale-Original-Id, Zeroscale-Failure,
 * Zeroscale-Attempts, Zeroscale-Source, Nats-Msg-Id = the original id so a repeat is deduplicated),
 * or sends it to the dead-letter function, THEN term()s the original; a redelivery whose attempts
 * are all made goes straight to the dead letter. For a consumer made with a max_deliver bound, the
 * server's MAX_DELIVERIES advisory ($JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>)
 * is still read: the connector fetches the message by its sequence and dead-letters it.
 */
export class NatsConnector implements Connector {
  readonly trigger: string;
  readonly target: string;
  private stopping = false;
  private readonly stopped = new AbortController();
  private lastBacklog = 0;
  private readonly loops: Promise<void>[] = [];
  private readonly engine: RetryEngine;
  private readonly dlqStreams = new Set<string>();
  private advisories: Subscription | undefined;
  private readonly js: JetStreamClient;

  private constructor(
    private readonly o: ConnectorOptions,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
  ) {
    this.trigger = o.trigger.id;
    this.target = o.trigger.target;
    this.engine = connectorEngine(o);
    this.js = nc.jetstream();
  }

  static async start(o: ConnectorOptions): Promise<NatsConnector> {
    const nc = await connect({ servers: o.url, name: `zeroscale ${o.trigger.id}` });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = await ensureNatsStream(jsm, o.source.name);
      const c = new NatsConnector(o, nc, jsm, stream);
      await c.ensureConsumer();
      c.advisories = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${o.source.consumerGroup}`, { callback: (err, m) => err || void c.onMaxDeliveries(m.json<{ stream_seq?: number }>()) });
      c.loops.push(c.readLoop(), c.backlogLoop());
      o.log.info({ trigger: o.trigger.id, subject: o.source.name, stream, consumer: o.source.consumerGroup }, "consuming nats jetstream");
      return c;
    } catch (e) {
      await nc.close().catch(() => undefined);
      throw e;
    }
  }

  backlog(): number {
    return this.lastBacklog;
  }

  stats(): DeliveryStats {
    return { ...this.engine.stats };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    this.advisories?.unsubscribe();
    await Promise.allSettled(this.loops);
    await this.engine.stop();
    await this.nc.drain().catch(() => undefined);
  }

  /** The durable pull consumer, created or brought to the trigger's policy. */
  private async ensureConsumer(): Promise<void> {
    const { name, consumerGroup } = this.o.source;
    const cfg: Partial<ConsumerConfig> = {
      durable_name: consumerGroup,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: name,
      // Unlimited: the engine counts attempts from deliveryCount and dead-letters after retries + 1, and a
      // message whose dead letter could not be written (or whose consumer stopped) is redelivered, never
      // given up by the server. (A consumer made with a bound still has the MAX_DELIVERIES advisory below.)
      max_deliver: -1,
      ack_wait: nanos(NATS_ACK_WAIT_MS),
      max_ack_pending: Math.max(1, this.o.maxInflight) + MAX_WAITING,
    };
    try {
      await this.jsm.consumers.info(this.stream, consumerGroup);
      await this.jsm.consumers.update(this.stream, consumerGroup, { max_deliver: cfg.max_deliver!, ack_wait: cfg.ack_wait!, max_ack_pending: cfg.max_ack_pending!, filter_subject: name });
    } catch (e) {
      if (!/consumer not found/i.test(String((e as Error).message))) throw e;
      await this.jsm.consumers.add(this.stream, cfg);
    }
  }

  private async readLoop(): Promise<void> {
    const consumer = await this.js.consumers.get(this.stream, this.o.source.consumerGroup);
    while (!this.stopping) {
      const free = this.engine.free();
      if (free === 0) {
        await sleep(10, this.stopped.signal);
        continue;
      }
      try {
        const batch = await consumer.fetch({ max_messages: Math.max(1, Math.min(Math.max(this.o.source.batchSize, 1) * 10, free)), expires: 1000 });
        for await (const m of batch) this.handle(m);
      } catch (e) {
        if (this.stopping) return;
        this.o.log.warn({ trigger: this.o.trigger.id, err: (e as Error).message }, "nats fetch failed; retrying");
        await sleep(1000, this.stopped.signal);
      }
    }
  }

  private handle(m: JsMsg): void {
    const id = m.headers?.get("Nats-Msg-Id") || `${this.stream}:${m.seq}`;
    const contentType = m.headers?.get("Content-Type");
    const event = encodeQueueEvent(
      this.o.style,
      this.o.trigger,
      { id, body: Buffer.from(m.data), subject: m.subject, time: new Date(Math.floor(m.info.timestampNanos / 1e6)), ...(contentType ? { contentType } : {}) },
      { namespace: this.o.namespace ?? "default" },
    );
    const keepAlive = setInterval(() => m.working(), NATS_ACK_WAIT_MS / 3);
    const job: Job = {
      id,
      event,
      attemptsMade: Math.max(0, m.info.deliveryCount - 1),
      ack: async (how) => {
        if (how === "delivered") await m.ackAck();
        else m.term(); // no reason: `+TERM <reason>` needs nats-server 2.10.4 (Debian ships 2.9)
      },
      requeue: async (waitMs) => m.nak(waitMs),
      toQueue: (subject: string, f: Failure) => this.publishDeadLetter(subject, id, m.data, m.headers, f),
    };
    void this.engine.run(job).then((settled) => {
      clearInterval(keepAlive);
      if (settled === "held" && !this.stopping) m.nak(this.o.trigger.delivery?.backoff.delayMs ?? 1000);
    });
  }

  private async publishDeadLetter(subject: string, id: string, data: Uint8Array, original: MsgHdrs | undefined, f: Failure): Promise<void> {
    if (!this.dlqStreams.has(subject)) {
      await ensureNatsStream(this.jsm, subject);
      this.dlqStreams.add(subject);
    }
    const h = natsHeaders();
    for (const [k, vs] of original ?? []) if (k.toLowerCase() !== "nats-msg-id") for (const v of vs) h.append(k, v);
    h.set("Zeroscale-Original-Id", id);
    h.set("Zeroscale-Failure", f.reason.replace(/[\r\n]+/g, " "));
    h.set("Zeroscale-Attempts", String(f.attempts));
    h.set("Zeroscale-Source", this.stream);
    await this.js.publish(subject, data, { headers: h, msgID: id });
  }

  /** The server gave up on a message (the consumer stopped during its last attempt): dead-letter it from the stream. */
  private async onMaxDeliveries(advisory: { stream_seq?: number }): Promise<void> {
    const seq = advisory.stream_seq;
    if (seq === undefined || this.stopping) return;
    try {
      const sm = await this.jsm.streams.getMessage(this.stream, { seq });
      const id = sm.header?.get("Nats-Msg-Id") || `${this.stream}:${seq}`;
      const contentType = sm.header?.get("Content-Type");
      const event: EncodedEvent = encodeQueueEvent(this.o.style, this.o.trigger, { id, body: Buffer.from(sm.data), subject: sm.subject, time: sm.time, ...(contentType ? { contentType } : {}) }, { namespace: this.o.namespace ?? "default" });
      const retries = this.o.delivery?.retries ?? this.o.trigger.delivery?.retries ?? 3;
      await this.engine.run({ id, event, attemptsMade: retries + 1, ack: async () => undefined, toQueue: (subject, f) => this.publishDeadLetter(subject, id, sm.data, sm.header, f) });
    } catch (e) {
      this.o.log.error({ trigger: this.o.trigger.id, seq, err: (e as Error).message }, "could not dead-letter a message the server gave up on");
    }
  }

  /** Pending (not yet delivered) + ack pending (delivered, not acknowledged), once a second. */
  private async backlogLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        const info = await this.jsm.consumers.info(this.stream, this.o.source.consumerGroup);
        this.lastBacklog = info.num_pending + info.num_ack_pending;
      } catch {
        /* keep the last value */
      }
      await sleep(1000, this.stopped.signal);
    }
  }
}
