import { hostname } from "node:os";
import { Redis } from "ioredis";
import { binaryEvent } from "../gateway/schedules.js";
import type { Connector, ConnectorOptions } from "./index.js";

/**
 * Consumes a Redis stream with a consumer group: each entry is delivered to the function as a
 * binary-mode CloudEvent and acknowledged (XACK) only after a 2xx. Entries that fail stay pending and
 * are claimed again (XAUTOCLAIM) after 5 s: at-least-once, like Knative's RedisStreamSource.
 */
export class RedisStreamsConnector implements Connector {
  readonly target: string;
  private inflight = 0;
  private stopping = false;
  private lastBacklog = 0;
  private readonly loops: Promise<void>[] = [];
  private readonly consumer = `${hostname()}-${process.pid}`;

  private constructor(
    private readonly o: ConnectorOptions,
    private readonly reader: Redis,
    private readonly cmd: Redis,
  ) {
    this.target = o.trigger.target;
  }

  static async start(o: ConnectorOptions): Promise<RedisStreamsConnector> {
    const mk = () => new Redis(o.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
    const reader = mk();
    const cmd = mk();
    await Promise.all([reader.connect(), cmd.connect()]);
    try {
      await cmd.xgroup("CREATE", o.source.name, o.source.consumerGroup, "$", "MKSTREAM");
    } catch (e) {
      if (!String((e as Error).message).includes("BUSYGROUP")) throw e;
    }
    const c = new RedisStreamsConnector(o, reader, cmd);
    c.loops.push(c.readLoop(), c.reclaimLoop(), c.backlogLoop());
    o.log.info({ trigger: o.trigger.id, stream: o.source.name, group: o.source.consumerGroup }, "consuming redis stream");
    return c;
  }

  backlog(): number {
    return this.lastBacklog;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.reader.disconnect();
    await Promise.allSettled(this.loops);
    while (this.inflight > 0) await sleep(20);
    this.cmd.disconnect();
  }

  private async readLoop(): Promise<void> {
    const { name, consumerGroup, batchSize } = this.o.source;
    let cursor = "0"; // first our own pending entries (after a restart), then new ones
    while (!this.stopping) {
      if (this.inflight >= this.o.maxInflight) {
        await sleep(10);
        continue;
      }
      const count = Math.max(1, Math.min(batchSize, this.o.maxInflight - this.inflight));
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.reader.xreadgroup("GROUP", consumerGroup, this.consumer, "COUNT", count, "BLOCK", 1000, "STREAMS", name, cursor)) as typeof reply;
      } catch (e) {
        if (this.stopping) return;
        this.o.log.warn({ trigger: this.o.trigger.id, err: (e as Error).message }, "redis read failed; retrying");
        await sleep(1000);
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (cursor === "0" && entries.length === 0) cursor = ">";
      for (const [id, fields] of entries) {
        if (cursor === "0") cursor = id;
        void this.handle(id, fields);
      }
    }
  }

  private async handle(id: string, fields: string[]): Promise<void> {
    this.inflight++;
    try {
      const data: Record<string, unknown> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) data[fields[i] as string] = fields[i + 1];
      const event = binaryEvent("dev.zeroscale.queue.redis", `/zeroscale/${this.o.app}/${this.o.trigger.id}`, data, { id, subject: this.o.source.name });
      const status = await this.o.deliver(this.o.trigger.target, this.o.trigger.id, event);
      if (status >= 200 && status < 300) await this.cmd.xack(this.o.source.name, this.o.source.consumerGroup, id);
      else this.o.log.warn({ trigger: this.o.trigger.id, id, status }, "delivery failed; the entry stays pending and is retried");
    } catch (e) {
      this.o.log.warn({ trigger: this.o.trigger.id, id, err: (e as Error).message }, "delivery failed; retrying later");
    } finally {
      this.inflight--;
    }
  }

  /** Claim entries pending for over 5 s (failed deliveries, or a crashed consumer's) and deliver them again. */
  private async reclaimLoop(): Promise<void> {
    while (!this.stopping) {
      await sleep(2500);
      if (this.stopping || this.inflight >= this.o.maxInflight) continue;
      try {
        const reply = (await this.cmd.xautoclaim(this.o.source.name, this.o.source.consumerGroup, this.consumer, 5000, "0", "COUNT", 50)) as [string, [string, string[]][]];
        for (const [id, fields] of reply[1] ?? []) if (fields) void this.handle(id, fields);
      } catch {
        /* the next round retries */
      }
    }
  }

  /** Lag (entries not yet read by the group) + pending (read, not acknowledged), once a second. */
  private async backlogLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        const groups = (await this.cmd.xinfo("GROUPS", this.o.source.name)) as unknown[][];
        for (const g of groups) {
          const info: Record<string, unknown> = {};
          for (let i = 0; i + 1 < g.length; i += 2) info[String(g[i])] = g[i + 1];
          if (info["name"] === this.o.source.consumerGroup) this.lastBacklog = Number(info["lag"] ?? 0) + Number(info["pending"] ?? 0);
        }
      } catch {
        /* keep the last value */
      }
      await sleep(1000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
