import { type Channel, type ChannelModel, connect, type ConsumeMessage } from "amqplib";
import { binaryEvent } from "../gateway/schedules.js";
import type { Connector, ConnectorOptions } from "./index.js";

/**
 * Consumes a RabbitMQ queue: each message is delivered to the function as a binary-mode CloudEvent,
 * acknowledged after a 2xx, and rejected back to the queue (nack, requeue) otherwise.
 */
export class RabbitmqConnector implements Connector {
  readonly target: string;
  private inflight = 0;
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private tag: string | undefined;

  private constructor(
    private readonly o: ConnectorOptions,
    private readonly conn: ChannelModel,
    private readonly ch: Channel,
  ) {
    this.target = o.trigger.target;
  }

  static async start(o: ConnectorOptions): Promise<RabbitmqConnector> {
    const conn = await connect(o.url);
    const ch = await conn.createChannel();
    await ch.assertQueue(o.source.name, { durable: true });
    await ch.prefetch(Math.max(1, o.maxInflight));
    const c = new RabbitmqConnector(o, conn, ch);
    const { consumerTag } = await ch.consume(o.source.name, (msg) => msg && void c.handle(msg), { noAck: false });
    c.tag = consumerTag;
    c.timer = setInterval(() => void c.poll(), 1000);
    o.log.info({ trigger: o.trigger.id, queue: o.source.name }, "consuming rabbitmq queue");
    if (o.source.batchSize !== 1) o.log.warn({ trigger: o.trigger.id, batchSize: o.source.batchSize, prefetch: Math.max(1, o.maxInflight) }, "batchSize has no effect on RabbitMQ (ZS-DOCKER-QUEUE-BATCH): the consumer prefetches up to maxInstances x concurrency and delivers each message alone");
    return c;
  }

  backlog(): number {
    return this.queued + this.inflight;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.tag) await this.ch.cancel(this.tag).catch(() => undefined);
    while (this.inflight > 0) await new Promise((r) => setTimeout(r, 20));
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

  private async handle(msg: ConsumeMessage): Promise<void> {
    this.inflight++;
    try {
      const text = msg.content.toString("utf8");
      let data: unknown = text;
      if (msg.properties.contentType === "application/json" || /^[[{]/.test(text.trim())) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      const id = msg.properties.messageId ? String(msg.properties.messageId) : `${this.o.source.name}-${msg.fields.deliveryTag}-${Date.now()}`;
      const status = await this.o.deliver(this.o.trigger.target, this.o.trigger.id, binaryEvent("dev.zeroscale.queue.rabbitmq", `/zeroscale/${this.o.app}/${this.o.trigger.id}`, data, { id, subject: this.o.source.name }));
      if (status >= 200 && status < 300) this.ch.ack(msg);
      else {
        this.o.log.warn({ trigger: this.o.trigger.id, id, status }, "delivery failed; requeued");
        await new Promise((r) => setTimeout(r, 500));
        this.ch.nack(msg, false, true);
      }
    } catch (e) {
      this.o.log.warn({ trigger: this.o.trigger.id, err: (e as Error).message }, "delivery failed; requeued");
      this.ch.nack(msg, false, true);
    } finally {
      this.inflight--;
    }
  }
}
