import { request as httpRequest } from "node:http";
import type { FunctionNode } from "../../lib/index.js";
import type { Driver, Instance } from "../drivers/types.js";
import { LevelIntegrator } from "../../lib/engines/metric-window.js";

/** One instance as the pool sees it. */
export interface PoolInstance {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  state: "starting" | "ready" | "draining";
  inflight: number;
  readonly handle: Instance;
  readonly startedAt: number;
}

/** Why a request could not get an instance. */
export class ActivationError extends Error {
  constructor(
    readonly status: 503 | 504,
    message: string,
  ) {
    super(message);
  }
}

/** Settings of a pool. */
export interface PoolOptions {
  /** Most requests held while no instance has a free slot (Infinity = no limit). */
  readonly bufferSize: number;
  /** Longest a request waits for a free slot, ms. */
  readonly waitTimeoutMs: number;
  /**
   * The buffer event deliveries (queue messages, schedules) wait in, whatever the HTTP cold start
   * says: a broker or a cron cannot retry "later" usefully, so they are never refused at once.
   * @default the HTTP buffer (bufferSize, waitTimeoutMs)
   */
  readonly events?: { readonly bufferSize: number; readonly waitTimeoutMs: number };
  /**
   * Cold start "reject": a request arriving while no instance is ready gets 503 at once (it still
   * wakes the function). Requests that find ready instances all busy are buffered as usual.
   * @default false
   */
  readonly rejectWhileCold?: boolean;
  /** The clock of `lastIdleAt`, seconds. @default Date.now() / 1000 */
  readonly clock?: () => number;
  /** Longest an instance may take to pass readiness before it is replaced, ms. */
  readonly startTimeoutMs: number;
  /** Allocate a free loopback port. */
  readonly allocatePort: () => Promise<number>;
  /** Environment for instances. */
  readonly env: Readonly<Record<string, string>>;
  readonly app: string;
  /** Called on lifecycle events (for logs, metrics and the live view). */
  readonly onEvent: (event: PoolEvent) => void;
}

export type PoolEvent =
  | { type: "instance"; fn: string; id: string; state: "starting" | "ready" | "draining" | "stopped" | "failed"; coldStartMs?: number; reason?: string }
  | { type: "buffer"; fn: string; size: number };

interface Waiter {
  resolve(i: PoolInstance): void;
  reject(e: ActivationError): void;
  timer: NodeJS.Timeout;
  since: number;
}

/**
 * A function's instances: starts and drains them, holds requests while none has a free slot (the
 * activator's buffer), and hands each request to the ready instance with the fewest in flight,
 * never above the function's concurrency limit.
 */
export class FunctionPool {
  readonly instances: PoolInstance[] = [];
  readonly demand: LevelIntegrator;
  private readonly waiters: Waiter[] = [];
  private closed = false;
  /** Starts under way that have no instance entry yet (allocating a port, creating a container). */
  private pendingStarts = 0;
  private readonly starting = new Set<Promise<void>>();
  /** Set by the gateway: called when a request arrives and nothing is running (scale from zero). */
  onActivate: () => void = () => {};
  /** When the pool last went from some requests in flight or buffered to none (clock seconds); null before the first. */
  lastIdleAt: number | null = null;
  /** Requests that arrived since the last `takeArrivals()`. */
  private arrivals = 0;
  /** Requests that arrived and have not asked for an instance yet (their body is still arriving). */
  private receiving = 0;
  private readonly clock: () => number;

  constructor(
    readonly fn: FunctionNode,
    private readonly driver: Driver,
    private readonly opts: PoolOptions,
  ) {
    this.demand = new LevelIntegrator(Date.now());
    this.clock = opts.clock ?? (() => Date.now() / 1000);
  }

  /** Requests that arrived since the last call (the gateway takes them each second). */
  takeArrivals(): number {
    const n = this.arrivals;
    this.arrivals = 0;
    return n;
  }

  /** One request fewer in flight or buffered; note when none is left. */
  private done(): void {
    this.demand.add(-1, Date.now());
    if (this.demand.current === 0) this.lastIdleAt = this.clock();
  }

  get buffered(): number {
    return this.waiters.length;
  }
  get ready(): number {
    return this.instances.filter((i) => i.state === "ready").length;
  }
  /** Instances that count toward the desired scale (not draining). */
  get active(): number {
    return this.pendingStarts + this.instances.filter((i) => i.state !== "draining").length;
  }
  /** Instances starting, ready and draining (for status and the live view). */
  counts(): { starting: number; ready: number; draining: number } {
    const c = { starting: this.pendingStarts, ready: 0, draining: 0 };
    for (const i of this.instances) c[i.state]++;
    return c;
  }
  get inflight(): number {
    return this.instances.reduce((n, i) => n + i.inflight, 0);
  }

  /**
   * A request (or event) arrived: counted once as an arrival, and in flight (for the concurrency
   * signal and idleness) from now until the returned `settle` is called, which the caller does once
   * it has asked for an instance (or given up). A request whose body is still arriving thus keeps the
   * function from idling to zero under it. Wakes a function at zero at once.
   */
  arrive(): () => void {
    this.arrivals++;
    this.receiving++;
    this.demand.add(1, Date.now());
    if (this.active === 0 && !this.closed) this.onActivate();
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.receiving--;
      this.done();
    };
  }

  /** Requests that arrived and have not asked for an instance yet (body still arriving). */
  get arriving(): number {
    return this.receiving;
  }

  /**
   * An instance with a free slot for one request (waits in the buffer if none). Call `release` after.
   * `kind: "event"`: a delivery, which waits in the events buffer and is never refused while cold.
   * Arrivals are counted by `arrive`, not here (a retried request asks again).
   */
  acquire(kind: "request" | "event" = "request"): Promise<PoolInstance> {
    const free = this.pick();
    if (free) {
      this.demand.add(1, Date.now());
      free.inflight++;
      return Promise.resolve(free);
    }
    if (this.active === 0) this.onActivate();
    if (kind === "request" && this.opts.rejectWhileCold && this.ready === 0) {
      return Promise.reject(new ActivationError(503, `${this.fn.id}: no instance is ready yet (cold start mode reject); one is starting, retry shortly`));
    }
    const { bufferSize, waitTimeoutMs } = kind === "event" && this.opts.events ? this.opts.events : this.opts;
    if (this.waiters.length >= bufferSize) {
      return Promise.reject(new ActivationError(503, `${this.fn.id}: ${this.waiters.length} requests are already waiting for an instance (buffer size ${bufferSize})`));
    }
    this.demand.add(1, Date.now());
    return new Promise<PoolInstance>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        since: Date.now(),
        timer: setTimeout(() => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          this.done();
          this.opts.onEvent({ type: "buffer", fn: this.fn.id, size: this.waiters.length });
          reject(new ActivationError(504, `${this.fn.id}: no instance became ready within ${waitTimeoutMs} ms`));
        }, Math.min(waitTimeoutMs, 2 ** 31 - 1)),
      };
      this.waiters.push(waiter);
      this.opts.onEvent({ type: "buffer", fn: this.fn.id, size: this.waiters.length });
    });
  }

  /** The request on `inst` finished. */
  release(inst: PoolInstance): void {
    inst.inflight--;
    this.done();
    if (inst.state === "draining" && inst.inflight === 0) void this.stopInstance(inst, "drained");
    else this.dispatch();
  }

  /** Take an instance that refused a connection out of rotation (it died); the autoscaler replaces it. */
  evict(inst: PoolInstance, reason: string): void {
    if (inst.state === "draining") return;
    inst.state = "draining";
    this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: "draining", reason });
    void this.stopInstance(inst, reason);
    if (this.active === 0 && this.waiters.length > 0) this.onActivate();
  }

  /** Start or drain instances until `n` are active. */
  scaleTo(n: number): void {
    if (this.closed) return;
    while (this.active < n) {
      const p = this.startInstance();
      this.starting.add(p);
      void p.finally(() => this.starting.delete(p));
    }
    const extra = this.active - n;
    if (extra <= 0) return;
    // Drain the least busy; starting ones first (they serve nobody yet).
    const candidates = this.instances.filter((i) => i.state !== "draining").sort((a, b) => rank(a) - rank(b) || a.inflight - b.inflight);
    for (const inst of candidates.slice(0, extra)) {
      inst.state = "draining";
      this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: "draining" });
      if (inst.inflight === 0) void this.stopInstance(inst, "scaled down");
    }
  }

  /** Stop everything (draining in-flight requests up to the function's timeout). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      this.done();
      w.reject(new ActivationError(503, `${this.fn.id}: the gateway is shutting down`));
    }
    // Stop what runs (which also ends readiness probes), and wait for starts under way (they stop themselves).
    await Promise.all([...this.instances.map((i) => this.stopInstance(i, "shutdown")), ...this.starting]);
    await Promise.all(this.instances.map((i) => this.stopInstance(i, "shutdown")));
  }

  private pick(): PoolInstance | undefined {
    let best: PoolInstance | undefined;
    for (const i of this.instances) {
      if (i.state !== "ready" || i.inflight >= this.fn.concurrency) continue;
      if (!best || i.inflight < best.inflight) best = i;
    }
    return best;
  }

  private dispatch(): void {
    while (this.waiters.length > 0) {
      const inst = this.pick();
      if (!inst) return;
      const w = this.waiters.shift() as Waiter;
      clearTimeout(w.timer);
      inst.inflight++;
      w.resolve(inst);
    }
    this.opts.onEvent({ type: "buffer", fn: this.fn.id, size: 0 });
  }

  private async startInstance(): Promise<void> {
    this.pendingStarts++;
    const startedAt = Date.now();
    let handle: Instance;
    let port = 0;
    try {
      port = await this.opts.allocatePort();
      handle = await this.driver.start({ app: this.opts.app, fn: this.fn, port, env: this.opts.env });
    } catch (e) {
      this.pendingStarts--;
      this.opts.onEvent({ type: "instance", fn: this.fn.id, id: `${this.fn.name}-port-${port}`, state: "failed", reason: String((e as Error).message) });
      return;
    }
    this.pendingStarts--;
    const inst: PoolInstance = { id: handle.id, host: handle.host ?? "127.0.0.1", port: handle.port, state: "starting", inflight: 0, handle, startedAt };
    this.instances.push(inst);
    if (this.closed) {
      await this.stopInstance(inst, "shutdown");
      return;
    }
    this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: "starting" });
    void handle.exited.then(() => this.onExit(inst));
    const ok = await probeReady(inst.host, inst.port, this.fn.readinessPath, this.opts.startTimeoutMs, handle.exited);
    if (!ok) {
      this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: "failed", reason: `not ready within ${this.opts.startTimeoutMs} ms (GET ${this.fn.readinessPath} on ${inst.host}:${inst.port})` });
      await this.stopInstance(inst, "never ready");
      return;
    }
    if (inst.state === "starting") {
      inst.state = "ready";
      this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: "ready", coldStartMs: Date.now() - startedAt });
      this.dispatch();
    } else if (inst.state === "draining" && inst.inflight === 0) {
      await this.stopInstance(inst, "scaled down before ready");
    }
  }

  private onExit(inst: PoolInstance): void {
    const at = this.instances.indexOf(inst);
    if (at < 0) return;
    this.instances.splice(at, 1);
    this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: "stopped", reason: inst.state === "draining" ? "stopped" : "exited unexpectedly" });
    void inst.handle.stop(0); // remove what is left of it (a stopped container)
  }

  private async stopInstance(inst: PoolInstance, reason: string): Promise<void> {
    inst.state = "draining";
    await inst.handle.stop(this.fn.timeoutSeconds * 1000);
    const at = this.instances.indexOf(inst);
    if (at >= 0) {
      this.instances.splice(at, 1);
      this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: "stopped", reason });
    }
  }
}

function rank(i: PoolInstance): number {
  return i.state === "starting" ? 0 : 1;
}

/** Poll GET <path> on host:port until a 2xx/3xx (Kubernetes' httpGet probe), the instance exits, or the timeout. */
async function probeReady(host: string, port: number, path: string, timeoutMs: number, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  while (!gone && Date.now() < deadline) {
    const status = await new Promise<number>((resolve) => {
      const req = httpRequest({ host, port, path, method: "GET", timeout: 1000, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", () => resolve(0));
      req.on("timeout", () => req.destroy());
      req.end();
    });
    if (status >= 200 && status < 400) return true;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(50, delay * 2);
  }
  return false;
}
