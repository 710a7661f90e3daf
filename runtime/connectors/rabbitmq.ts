import { type Channel, type ChannelModel, type ConfirmChannel, connect, type ConsumeMessage, type Options } from "amqplib";
import { derivedMessageId, encodeQueueEvent } from "../../lib/events/encode.js";
import type { Connector, ConnectorOptions } from "./index.js";
import { connectorEngine, type DeliveryStats, type Failure, MAX_WAITING, type RetryEngine } from "./retry.js";

/**
 * The idempotency key of a RabbitMQ message: its message-id, else derivedMessageId over the queue,
 * the body and the properties a redelivery keeps (correlation-id, timestamp, type, app-id and the
 * headers except the broker's x-*), so every redelivery of a message has the same id. Two messages
 * identical in all of those share an id: publish a message-id where that matters.
 */
export function rabbitMessageId(queue: string, msg: Pick<ConsumeMessage, "content" | "properties">): { id: string; derived: boolean } {
  const p = msg.properties;
  if (p.messageId !== undefined && p.messageId !== null && String(p.messageId) !== "") return { id: String(p.messageId), derived: false };
  const headers = Object.entries((p.headers ?? {}) as Record<string, unknown>)
    .filter(([k]) => !k.toLowerCase().startsWith("x-"))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [queue, msg.content, String(p.correlationId ?? ""), String(p.timestamp ?? ""), String(p.type ?? ""), String(p.appId ?? ""), JSON.stringify(headers)];
  return { id: derivedMessageId(...parts), derived: true };
}

/**
 * Consumes a RabbitMQ queue. Each message is one CloudEvent run through the retry engine while it
 * is held unacknowledged (prefetch: maxInflight attempts + MAX_WAITING in backoff): ack after a 2xx;
 * after the last failed attempt it is published to the dead-letter queue (durable; the same body and
 * properties, message-id = the original id, headers x-zeroscale-failure / x-zeroscale-attempts /
 * x-zeroscale-original-queue) on a publisher-confirm channel, or sent to the dead-letter function,
 * THEN acked (a failing dead letter is tried again in-process, the message held meanwhile). A quorum
 * queue's x-delivery-count counts redeliveries (not in-process attempts): after a crash a message
 * resumes from it, so it may get up to `retries` more attempts; a classic queue has none, so a
 * message redelivered after a crash starts its attempts again.
 */
export class RabbitmqConnector implements Connector {
  readonly trigger: string;
  readonly target: string;
  private queued = 0;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private tag: string | undefined;
  private confirm: Promise<ConfirmChannel> | undefined;
  private readonly asserted = new Set<string>();
  private readonly engine: RetryEngine;

  private constructor(
    private readonly o: ConnectorOptions,
    private readonly conn: ChannelModel,
    private readonly ch: Channel,
  ) {
    this.trigger = o.trigger.id;
    this.target = o.trigger.target;
    this.engine = connectorEngine(o);
  }

  static async start(o: ConnectorOptions): Promise<RabbitmqConnector> {
    const conn = await connect(o.url);
    const ch = await conn.createChannel();
    // Without listeners an 'error' (the broker closing the connection or channel) would throw in the gateway.
    conn.on("error", (e: Error) => o.log.error({ trigger: o.trigger.id, err: e.message }, "rabbitmq connection error"));
    ch.on("error", (e: Error) => o.log.error({ trigger: o.trigger.id, err: e.message }, "rabbitmq channel error"));
    await ch.assertQueue(o.source.name, { durable: true });
    const prefetch = Math.max(1, o.maxInflight) + MAX_WAITING;
    await ch.prefetch(prefetch);
    const c = new RabbitmqConnector(o, conn, ch);
    const { consumerTag } = await ch.consume(o.source.name, (msg) => msg && c.handle(msg), { noAck: false });
    c.tag = consumerTag;
    c.timer = setInterval(() => void c.poll(), 1000);
    o.log.info({ trigger: o.trigger.id, queue: o.source.name }, "consuming rabbitmq queue");
    if (o.source.batchSize !== 1) o.log.warn({ trigger: o.trigger.id, batchSize: o.source.batchSize, prefetch }, "batchSize has no effect on RabbitMQ (ZS-DOCKER-QUEUE-BATCH): the consumer delivers each message alone, up to maxInstances x concurrency at once");
    return c;
  }

  backlog(): number {
    return this.queued + this.engine.held();
  }

  stats(): DeliveryStats {
    return { ...this.engine.stats };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.tag) await this.ch.cancel(this.tag).catch(() => undefined);
    await this.engine.stop(); // messages in backoff are requeued (nack) for the next consumer
    if (this.confirm) await (await this.confirm.catch(() => undefined))?.close().catch(() => undefined);
    await this.ch.close().catch(() => undefined);
    await this.conn.close().catch(() => undefined);
  }

  private async poll(): Promise<void> {
    try {
      this.queued = (await this.ch.checkQueue(this.o.source.name)).messageCount;
    } catch {
      /* keep the last value */
    }
  }

  private handle(msg: ConsumeMessage): void {
    const queue = this.o.source.name;
    const { id, derived } = rabbitMessageId(queue, msg);
    const p = msg.properties;
    const event = encodeQueueEvent(
      this.o.style,
      this.o.trigger,
      { id, derivedId: derived, body: msg.content, ...(p.contentType ? { contentType: String(p.contentType) } : {}), ...(typeof p.timestamp === "number" ? { time: new Date(p.timestamp * 1000) } : {}) },
      { namespace: this.o.namespace ?? "default" },
    );
    const count = Number((p.headers as Record<string, unknown> | undefined)?.["x-delivery-count"] ?? 0);
    void this.engine
      .run({
        id,
        event,
        attemptsMade: Number.isFinite(count) ? count : 0,
        ack: async () => this.ch.ack(msg),
        toQueue: (name: string, f: Failure) => this.deadLetter(name, msg, id, f),
      })
      .then((settled) => {
        if (settled !== "held") return;
        // the dead letter failed (or we are stopping): back to the queue, after a pause unless stopping
        const requeue = () => {
          try {
            this.ch.nack(msg, false, true);
          } catch {
            /* the channel is gone: the broker requeues it */
          }
        };
        if (this.stopping) requeue();
        else setTimeout(requeue, this.o.trigger.delivery?.backoff.delayMs ?? 1000);
      });
  }

  private async deadLetter(name: string, msg: ConsumeMessage, id: string, f: Failure): Promise<void> {
    // A channel the broker closed (e.g. a failed publish) is replaced on the next try of the dead letter.
    this.confirm ??= this.conn.createConfirmChannel().then((c) => {
      c.on("error", (e: Error) => this.o.log.error({ trigger: this.o.trigger.id, err: e.message }, "rabbitmq dead-letter channel error"));
      c.on("close", () => {
        this.confirm = undefined;
        this.asserted.clear();
      });
      return c;
    });
    const ch = await this.confirm.catch((e: unknown) => {
      this.confirm = undefined;
      throw e;
    });
    if (!this.asserted.has(name)) {
      await ch.assertQueue(name, { durable: true });
      this.asserted.add(name);
    }
    const p = msg.properties;
    const props: Options.Publish = {
      ...Object.fromEntries(Object.entries(p).filter(([k, v]) => v !== undefined && v !== null && k !== "headers" && k !== "userId")),
      messageId: id,
      headers: { ...(p.headers as Record<string, unknown> | undefined), "x-zeroscale-failure": f.reason, "x-zeroscale-attempts": f.attempts, "x-zeroscale-original-queue": this.o.source.name },
    };
    await new Promise<void>((resolve, reject) => {
      ch.sendToQueue(name, msg.content, props, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
    });
  }
}
