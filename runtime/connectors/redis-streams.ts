import { hostname } from "node:os";
import { Redis } from "ioredis";
import { encodeQueueEvent } from "../../lib/events/encode.js";
import type { Connector, ConnectorOptions } from "./index.js";
import { connectorEngine, type DeliveryStats, type Failure, type RetryEngine } from "./retry.js";
import { sleep } from "./sleep.js";

/** An entry pending this long without its consumer touching it belongs to a consumer that stopped: claimed (XAUTOCLAIM). */
export const REDIS_RECLAIM_IDLE_MS = 5000;
/** How often the entries this consumer holds (in an attempt or in backoff) are touched (XCLAIM JUSTID: idle reset, delivery count kept). */
const HEARTBEAT_MS = 1000;

type Entry = [string, string[] | null];

/**
 * Consumes a Redis stream with a consumer group. Each entry is one CloudEvent (id = the entry id,
 * data = its fields) run through the retry engine: XACK after a 2xx; after the last failed attempt
 * XADD to the dead-letter stream (the original fields + zeroscale-original-id, zeroscale-failure,
 * zeroscale-attempts, zeroscale-source) or the dead-letter function, THEN XACK. Attempts survive a
 * restart: each retry bumps the entry's delivery count (XCLAIM), and an entry claimed from a stopped
 * consumer (XAUTOCLAIM, idle over REDIS_RECLAIM_IDLE_MS, keeping its id) resumes from its XPENDING
 * delivery count. Entries in backoff stay pending to this consumer and are touched every second so
 * no other consumer claims them meanwhile.
 */
export class RedisStreamsConnector implements Connector {
  readonly trigger: string;
  readonly target: string;
  private stopping = false;
  private readonly stopped = new AbortController();
  private closed = false;
  private lastBacklog = 0;
  private readonly held = new Set<string>();
  private readonly loops: Promise<void>[] = [];
  private readonly consumer = `${hostname()}-${process.pid}`;
  private readonly engine: RetryEngine;

  private constructor(
    private readonly o: ConnectorOptions,
    private readonly reader: Redis,
    private readonly cmd: Redis,
  ) {
    this.trigger = o.trigger.id;
    this.target = o.trigger.target;
    this.engine = connectorEngine(o);
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
    c.loops.push(c.readLoop(), c.reclaimLoop(), c.heartbeatLoop(), c.backlogLoop());
    o.log.info({ trigger: o.trigger.id, stream: o.source.name, group: o.source.consumerGroup }, "consuming redis stream");
    return c;
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
    this.reader.disconnect();
    await this.engine.stop(); // entries in backoff stay pending: the next consumer claims them
    this.closed = true; // the heartbeat ran until the attempts under way ended
    await Promise.allSettled(this.loops);
    this.cmd.disconnect();
  }

  private async readLoop(): Promise<void> {
    const { name, consumerGroup, batchSize } = this.o.source;
    let cursor = "0"; // first this consumer's own pending entries, then new ones
    while (!this.stopping) {
      const free = this.engine.free();
      if (free === 0) {
        await sleep(10, this.stopped.signal);
        continue;
      }
      let reply: [string, Entry[]][] | null;
      try {
        reply = (await this.reader.xreadgroup("GROUP", consumerGroup, this.consumer, "COUNT", Math.max(1, Math.min(batchSize, free)), "BLOCK", 1000, "STREAMS", name, cursor)) as typeof reply;
      } catch (e) {
        if (this.stopping) return;
        this.o.log.warn({ trigger: this.o.trigger.id, err: (e as Error).message }, "redis read failed; retrying");
        await sleep(1000, this.stopped.signal);
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (cursor === "0" && entries.length === 0) cursor = ">";
      for (const [id, fields] of entries) {
        if (cursor !== ">") cursor = id;
        if (this.held.has(id)) continue;
        if (cursor === ">") this.handle(id, fields, 0);
        else void this.deliveryCount(id).then((n) => this.handle(id, fields, Math.max(0, n - 1)));
      }
    }
  }

  /** Run one entry through the retry engine (an entry deleted from the stream meanwhile is acked). */
  private handle(id: string, fields: string[] | null, attemptsMade: number): void {
    const { name, consumerGroup } = this.o.source;
    if (fields === null) {
      void this.cmd.xack(name, consumerGroup, id).catch(() => undefined);
      return;
    }
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([fields[i] as string, fields[i + 1] as string]);
    const ms = Number(id.split("-")[0]);
    const event = encodeQueueEvent(this.o.style, this.o.trigger, { id, fields: pairs, ...(Number.isFinite(ms) ? { time: new Date(ms) } : {}) }, { namespace: this.o.namespace ?? "default" });
    this.held.add(id);
    void this.engine
      .run({
        id,
        event,
        attemptsMade,
        // one delivery count per attempt, so a restarted gateway resumes from it
        beforeRetry: async () => void (await this.cmd.xclaim(name, consumerGroup, this.consumer, 0, id).catch(() => undefined)),
        ack: async () => void (await this.cmd.xack(name, consumerGroup, id)),
        toQueue: async (dlq: string, f: Failure) => {
          await this.cmd.xadd(dlq, "*", ...fields, "zeroscale-original-id", id, "zeroscale-failure", f.reason, "zeroscale-attempts", String(f.attempts), "zeroscale-source", name);
        },
      })
      .finally(() => this.held.delete(id));
  }

  /** The entry's delivery count (XPENDING), 1 when unknown. */
  private async deliveryCount(id: string): Promise<number> {
    try {
      const rows = (await this.cmd.xpending(this.o.source.name, this.o.source.consumerGroup, id, id, 1)) as [string, string, number, number][];
      return Number(rows[0]?.[3] ?? 1);
    } catch {
      return 1;
    }
  }

  /** Claim entries a stopped consumer left pending (idle over REDIS_RECLAIM_IDLE_MS); each resumes from its delivery count. */
  private async reclaimLoop(): Promise<void> {
    const { name, consumerGroup } = this.o.source;
    while (!this.stopping) {
      await sleep(REDIS_RECLAIM_IDLE_MS / 2, this.stopped.signal);
      const free = this.engine.free();
      if (this.stopping || free === 0) continue;
      try {
        const reply = (await this.cmd.xautoclaim(name, consumerGroup, this.consumer, REDIS_RECLAIM_IDLE_MS, "0-0", "COUNT", Math.min(50, free))) as [string, Entry[], string[]?];
        for (const [id, fields] of reply[1] ?? []) {
          if (this.held.has(id)) continue;
          const n = await this.deliveryCount(id); // the claim counted as one delivery
          this.o.log.info({ trigger: this.o.trigger.id, id, attemptsMade: n - 1 }, "claimed a pending entry");
          this.handle(id, fields, Math.max(0, n - 1));
        }
      } catch {
        /* the next round retries */
      }
    }
  }

  /** Touch the entries this consumer holds so none looks abandoned (JUSTID: the delivery count is kept). */
  private async heartbeatLoop(): Promise<void> {
    const { name, consumerGroup } = this.o.source;
    while (!this.closed) {
      await new Promise((r) => setTimeout(r, this.stopping ? 100 : HEARTBEAT_MS));
      const ids = [...this.held];
      for (let i = 0; i < ids.length && !this.closed; i += 500) {
        await this.cmd.xclaim(name, consumerGroup, this.consumer, 0, ...ids.slice(i, i + 500), "JUSTID").catch(() => undefined);
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
      await sleep(1000, this.stopped.signal);
    }
  }
}
