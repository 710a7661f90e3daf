import { request as httpRequest } from "node:http";
import type { FunctionNode } from "../../lib/index.js";
import type { Driver, Instance } from "../drivers/types.js";
import { LevelIntegrator } from "../../lib/engines/metric-window.js";
import { describeExit, type InstanceInput, type InstanceState, transition } from "./instance.js";

/** One instance as the pool sees it (its state belongs to the state machine in instance.ts). */
export interface PoolInstance {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly state: InstanceState;
  readonly inflight: number;
  readonly handle: Instance;
  /** When its start began (clock ms). */
  readonly startedAt: number;
}

interface Slot extends PoolInstance {
  state: InstanceState;
  inflight: number;
  drainReason?: string;
  stopping?: Promise<void>;
  /** When it became ready (clock ms). */
  readyAt?: number;
}

/** Why a request could not get an instance. */
export class ActivationError extends Error {
  constructor(
    readonly status: 502 | 503 | 504,
    message: string,
    /** Seconds for Retry-After. */
    readonly retryAfterSeconds: number = status === 504 ? 5 : 1,
  ) {
    super(message);
  }
}

/** The client left while its request waited for an instance: it was never sent. */
export class ClientGoneError extends Error {
  constructor() {
    super("the client left while its request was buffered");
  }
}

/** Time for the pool: `now()` in ms, and timers (tests inject a fake one). */
export interface Clock {
  now(): number;
  /** Call `fn` after `ms`; returns a cancel. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.min(Math.max(0, ms), 2 ** 31 - 1));
    t.unref(); // a pool's timers never keep the process alive on their own
    return () => clearTimeout(t);
  },
};

/** Waits for a started instance to pass readiness: true once it answers 2xx/3xx, false on timeout or exit. */
export type ReadinessProbe = (target: { host: string; port: number; path: string }, timeoutMs: number, exited: Promise<unknown>) => Promise<boolean>;

/** Backoff of failed starts. */
export interface BackoffOptions {
  /** Wait after the first failed start, ms (doubling after each further one). @default 500 */
  readonly initialMs?: number;
  /** Longest wait, ms. @default 30000 */
  readonly maxMs?: number;
  /** An instance ready this long resets the backoff, ms. @default 10000 */
  readonly resetAfterMs?: number;
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
  /** The pool's time (ms) and timers. @default systemClock */
  readonly clock?: Clock;
  /** Longest an instance may take to start and pass readiness before it is replaced, ms. */
  readonly startTimeoutMs: number;
  /** Readiness check. @default GET <readinessPath> polled every 5-50 ms */
  readonly probe?: ReadinessProbe;
  readonly backoff?: BackoffOptions;
  /** The function's max instances (for the "at capacity" answer). */
  readonly maxInstances?: number;
  /** Environment for instances. */
  readonly env: Readonly<Record<string, string>>;
  readonly app: string;
  /** Called on lifecycle events (for logs, metrics, the data plane and the live view). */
  readonly onEvent: (event: PoolEvent) => void;
  /**
   * Resolves once the data plane carries nothing to a draining instance (DataPlane.quiesced: HAProxy's
   * own connections to it are done); the pool stops the instance only after (or after the function's
   * timeout, whichever is first). @default at once
   */
  readonly quiesce?: (instanceId: string) => Promise<void>;
}

export type PoolEvent =
  | { type: "instance"; fn: string; id: string; state: InstanceState; coldStartMs?: number; reason?: string }
  | { type: "buffer"; fn: string; size: number };

/** A request that arrived: `settle` once it asked for an instance (or gave up); `withdraw` when its client left before it was sent. */
export interface Arrival {
  settle(): void;
  withdraw(): void;
}

/** A function that cannot start instances. */
export interface CrashLoop {
  readonly cause: string;
  readonly failures: number;
  /** When the next start may happen (clock ms). */
  readonly nextStartAt: number;
}

interface Waiter {
  resolve(i: PoolInstance): void;
  reject(e: Error): void;
  cancelTimer: () => void;
  detach: () => void;
}

/**
 * A function's instances: starts and drains them toward the target the scale controller sets (with
 * exponential backoff after failed starts), holds requests while none has a free slot (the
 * activator's buffer), and hands each request to the ready instance with the fewest in flight,
 * never above the function's concurrency limit. It never decides scale itself: a request at zero
 * calls `onActivate` (the controller), which calls `scaleTo`.
 */
export class FunctionPool {
  private readonly list: Slot[] = [];
  private readonly demand: LevelIntegrator;
  private readonly waiters: Waiter[] = [];
  private closed = false;
  /** Starts under way that have no instance yet (the driver is starting it). */
  private pendingStarts = 0;
  private readonly starting = new Set<Promise<void>>();
  private target = 0;
  private seq = 0;
  /** Failed starts since the backoff was last reset. */
  private failures = 0;
  private nextStartAt = 0;
  private cancelBackoff: (() => void) | undefined;
  private crash: CrashLoop | undefined;
  /** Set by the gateway: called when a request arrives and nothing is running (scale from zero). */
  onActivate: () => void = () => {};
  /** When the pool last went from some requests in flight or buffered to none (clock seconds); null before the first. */
  lastIdleAt: number | null = null;
  /** Requests that arrived since the last `takeArrivals()`, and which period that is. */
  private arrivals = 0;
  private period = 0;
  /** Requests that arrived and have not asked for an instance yet (their body is still arriving). */
  private receiving = 0;
  private readonly clock: Clock;
  private readonly backoff: Required<BackoffOptions>;

  constructor(
    readonly fn: FunctionNode,
    private readonly driver: Driver,
    private readonly opts: PoolOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.demand = new LevelIntegrator(this.clock.now());
    this.backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 10_000, ...opts.backoff };
  }

  get instances(): readonly PoolInstance[] {
    return this.list;
  }

  /** Requests that arrived since the last call (the gateway takes them each second). */
  takeArrivals(): number {
    const n = this.arrivals;
    this.arrivals = 0;
    this.period++;
    return n;
  }

  /** Time-weighted requests in flight + buffered since the last call. */
  takeConcurrency(): number {
    return this.demand.takeAverage(this.clock.now());
  }

  /** One request fewer in flight or buffered; note when none is left. */
  private done(): void {
    this.demand.add(-1, this.clock.now());
    if (this.demand.current === 0) this.lastIdleAt = this.clock.now() / 1000;
  }

  get buffered(): number {
    return this.waiters.length;
  }
  get ready(): number {
    return this.list.filter((i) => i.state === "ready").length;
  }
  /** Instances that count toward the desired scale (not draining). */
  get active(): number {
    return this.pendingStarts + this.list.filter((i) => i.state === "starting" || i.state === "ready").length;
  }
  /** The count the controller asked for. */
  get desired(): number {
    return this.target;
  }
  /** Instances starting, ready and draining (for status and the live view). */
  counts(): { starting: number; ready: number; draining: number } {
    const c = { starting: this.pendingStarts, ready: 0, draining: 0 };
    for (const i of this.list) if (i.state === "starting" || i.state === "ready" || i.state === "draining") c[i.state]++;
    return c;
  }
  get inflight(): number {
    return this.list.reduce((n, i) => n + i.inflight, 0);
  }
  /** Set while starts fail (an exit soon after readiness counts as one); cleared once an instance stayed ready `resetAfterMs`. */
  get crashLoop(): CrashLoop | undefined {
    return this.crash;
  }

  /**
   * A request (or event) arrived: counted once as an arrival, and in flight (for the concurrency
   * signal and idleness) from now until `settle`, which the caller does once it has asked for an
   * instance (or given up). A request whose body is still arriving thus keeps the function from
   * idling to zero under it. Wakes a function at zero at once. `withdraw` (the client left before
   * its request was sent) takes back its arrival if no sample has counted it yet.
   */
  arrive(): Arrival {
    this.arrivals++;
    const period = this.period;
    this.receiving++;
    this.demand.add(1, this.clock.now());
    if (this.active === 0 && !this.closed) this.onActivate();
    let settled = false;
    let withdrawn = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.receiving--;
      this.done();
    };
    return {
      settle,
      withdraw: () => {
        settle();
        if (withdrawn) return;
        withdrawn = true;
        if (this.period === period && this.arrivals > 0) this.arrivals--;
      },
    };
  }

  /** Requests that arrived and have not asked for an instance yet (body still arriving). */
  get arriving(): number {
    return this.receiving;
  }

  /**
   * An instance with a free slot for one request (waits in the buffer if none). Call `release` after.
   * `kind: "event"`: a delivery, which waits in the events buffer and is never refused while cold.
   * `signal`: the client left; a buffered request is dropped (ClientGoneError) and never sent.
   * Fails fast while the function is crash-looping and no start is under way.
   */
  acquire(kind: "request" | "event" = "request", signal?: AbortSignal): Promise<PoolInstance> {
    if (signal?.aborted) return Promise.reject(new ClientGoneError());
    const free = this.pick();
    if (free) {
      this.demand.add(1, this.clock.now());
      free.inflight++;
      return Promise.resolve(free);
    }
    if (this.closed) return Promise.reject(new ActivationError(503, `${this.fn.id}: the gateway is shutting down`));
    if (this.active === 0) this.onActivate();
    if (this.crash && this.ready === 0 && !this.startUnderWay()) {
      const wait = Math.max(0, this.crash.nextStartAt - this.clock.now());
      return Promise.reject(new ActivationError(503, `${this.fn.id}: crash-looping: ${this.crash.cause}; next start in ${(wait / 1000).toFixed(1)}s`, Math.max(1, Math.ceil(wait / 1000))));
    }
    if (kind === "request" && this.opts.rejectWhileCold && this.ready === 0) {
      return Promise.reject(new ActivationError(503, `${this.fn.id}: no instance is ready yet (cold start mode reject); one is starting, retry shortly`));
    }
    const { bufferSize, waitTimeoutMs } = kind === "event" && this.opts.events ? this.opts.events : this.opts;
    if (this.waiters.length >= bufferSize) {
      return Promise.reject(new ActivationError(503, `${this.fn.id}: ${this.waiters.length} requests are already waiting for an instance (buffer size ${bufferSize})`));
    }
    this.demand.add(1, this.clock.now());
    return new Promise<PoolInstance>((resolve, reject) => {
      const leave = (e: Error) => {
        const at = this.waiters.indexOf(waiter);
        if (at < 0) return;
        this.waiters.splice(at, 1);
        waiter.cancelTimer();
        waiter.detach();
        this.done();
        this.opts.onEvent({ type: "buffer", fn: this.fn.id, size: this.waiters.length });
        reject(e);
      };
      const onAbort = () => leave(new ClientGoneError());
      const waiter: Waiter = {
        resolve,
        reject: leave,
        cancelTimer: this.clock.setTimer(() => leave(this.timeoutError(waitTimeoutMs)), waitTimeoutMs),
        detach: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      this.opts.onEvent({ type: "buffer", fn: this.fn.id, size: this.waiters.length });
    });
  }

  /** A wait that ran out: at capacity when instances are ready (all busy), else none became ready. */
  private timeoutError(waitTimeoutMs: number): ActivationError {
    const ready = this.ready;
    if (ready === 0) return new ActivationError(504, `${this.fn.id}: no instance became ready within ${waitTimeoutMs} ms`);
    const max = this.opts.maxInstances;
    const atMax = max !== undefined && ready >= max ? ` (max instances ${max})` : "";
    return new ActivationError(503, `${this.fn.id}: at capacity: ${ready} ready instance${ready === 1 ? "" : "s"}${atMax} all busy with ${this.fn.concurrency} request${this.fn.concurrency === 1 ? "" : "s"} each for ${waitTimeoutMs} ms; retry shortly`, 1);
  }

  /** The request on `inst` finished. */
  release(inst: PoolInstance): void {
    const slot = inst as Slot;
    slot.inflight--;
    this.done();
    if (slot.inflight === 0) this.apply(slot, { type: "idle" });
    this.dispatch();
  }

  /**
   * Take an instance that refused or reset a connection out of rotation (it died) and stop it; the
   * pool replaces it. `stopNow: false` only drains it: it is stopped once its requests are released
   * (so the caller can still see whether it exits by itself).
   */
  evict(inst: PoolInstance, reason: string, stopNow = true): void {
    const slot = inst as Slot;
    if (slot.state !== "ready" && slot.state !== "starting") return;
    this.apply(slot, { type: "drain", reason });
    if (stopNow) this.stop(slot);
  }

  /** Start or drain instances until `n` are active (the scale controller calls this). */
  scaleTo(n: number): void {
    if (this.closed) return;
    this.target = n;
    this.reconcile();
  }

  /** Stop everything (draining in-flight requests up to the function's timeout). */
  async close(): Promise<void> {
    this.closed = true;
    this.target = 0;
    this.cancelBackoff?.();
    for (const w of [...this.waiters]) w.reject(new ActivationError(503, `${this.fn.id}: the gateway is shutting down`));
    // Stop what runs (which also ends readiness probes), and wait for starts under way (they stop themselves).
    for (const i of [...this.list]) {
      this.apply(i, { type: "drain", reason: "shutdown" });
      this.stop(i);
    }
    await Promise.all([...this.list.map((i) => i.stopping), ...this.starting]);
    await Promise.all(this.list.map((i) => this.stop(i)));
  }

  private startUnderWay(): boolean {
    return this.pendingStarts > 0 || this.list.some((i) => i.state === "starting");
  }

  /** Start toward the target (gated by the backoff; one start at a time after failures), drain above it. */
  private reconcile(): void {
    // Effects of a drain call back in here: run again after, never nested.
    if (this.reconciling) {
      this.again = true;
      return;
    }
    this.reconciling = true;
    try {
      do {
        this.again = false;
        this.reconcileOnce();
      } while (this.again);
    } finally {
      this.reconciling = false;
    }
  }

  private reconciling = false;
  private again = false;

  private reconcileOnce(): void {
    if (this.closed) return;
    while (this.active < this.target) {
      const wait = this.nextStartAt - this.clock.now();
      if (wait > 0) {
        if (!this.cancelBackoff) {
          this.cancelBackoff = this.clock.setTimer(() => {
            this.cancelBackoff = undefined;
            this.reconcile();
          }, wait);
        }
        break;
      }
      if (this.failures > 0 && this.startUnderWay()) break;
      this.startOne();
    }
    const extra = this.active - this.target;
    if (extra <= 0) return;
    // Drain the least busy; starting ones first (they serve nobody yet). Starts still with the driver drain when they arrive.
    const candidates = this.list.filter((i) => i.state === "starting" || i.state === "ready").sort((a, b) => rank(a) - rank(b) || a.inflight - b.inflight);
    for (const inst of candidates.slice(0, extra)) this.apply(inst, { type: "drain", reason: "scaled down" });
  }

  private pick(): Slot | undefined {
    let best: Slot | undefined;
    for (const i of this.list) {
      if (i.state !== "ready" || i.inflight >= this.fn.concurrency) continue;
      if (!best || i.inflight < best.inflight) best = i;
    }
    return best;
  }

  private dispatch(): void {
    if (this.waiters.length === 0) return;
    while (this.waiters.length > 0) {
      const inst = this.pick();
      if (!inst) break;
      const w = this.waiters.shift() as Waiter;
      w.cancelTimer();
      w.detach();
      inst.inflight++;
      w.resolve(inst);
    }
    this.opts.onEvent({ type: "buffer", fn: this.fn.id, size: this.waiters.length });
  }

  /** Feed an input to an instance's state machine and carry out the effects. */
  private apply(inst: Slot, input: InstanceInput): void {
    const readyForMs = inst.readyAt === undefined ? undefined : this.clock.now() - inst.readyAt;
    const young = readyForMs !== undefined && readyForMs < this.backoff.resetAfterMs ? readyForMs : undefined;
    const t = transition(inst.state, input, { inflight: inst.inflight, drainReason: inst.drainReason, readyForMs: young });
    if (input.type === "drain" && inst.drainReason === undefined) inst.drainReason = input.reason;
    const from = inst.state;
    inst.state = t.state;
    for (const e of t.effects) {
      switch (e.type) {
        case "emit": {
          const reason = e.state === "failed" && this.crash ? this.crashReason() : e.reason;
          const extra = e.state === "ready" ? { coldStartMs: Math.round(this.clock.now() - inst.startedAt) } : {};
          this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: e.state, ...extra, ...(reason !== undefined ? { reason } : {}) });
          if (e.state === "ready") this.onReady(inst);
          break;
        }
        case "stop":
          this.stop(inst);
          break;
        case "quiesce":
          this.quiesce(inst);
          break;
        case "cleanup":
          // Remove what is left of an instance that exited by itself (a stopped container); one the pool
          // is already stopping is removed by that stop (a second stop of the same container can hang).
          if (!inst.stopping) inst.stopping = inst.handle.stop(0).catch(() => undefined);
          break;
        case "remove": {
          const at = this.list.indexOf(inst);
          if (at >= 0) this.list.splice(at, 1);
          break;
        }
        case "dispatch":
          this.dispatch();
          break;
        case "start-failed":
          this.startFailed(e.cause, e.afterReady === true);
          break;
      }
    }
    if (from !== t.state) this.reconcile();
  }

  /** Wait for the data plane to carry nothing to `inst` (bounded by the function's timeout), then feed "quiesced". */
  private quiesce(inst: Slot): void {
    const wait = this.opts.quiesce?.(inst.id);
    if (!wait) return this.apply(inst, { type: "quiesced" });
    let cancel = () => {};
    const bounded = new Promise<void>((resolve) => (cancel = this.clock.setTimer(resolve, this.fn.timeoutSeconds * 1000)));
    void Promise.race([wait.catch(() => undefined), bounded]).then(() => {
      cancel();
      this.apply(inst, { type: "quiesced" });
    });
  }

  private stop(inst: Slot): Promise<void> {
    inst.stopping ??= inst.handle.stop(this.fn.timeoutSeconds * 1000).then(
      () => this.apply(inst, { type: "stopped" }),
      () => this.apply(inst, { type: "stopped" }),
    );
    return inst.stopping;
  }

  private onReady(inst: Slot): void {
    inst.readyAt = this.clock.now();
    this.nextStartAt = 0;
    // The crash state (and the backoff) end once an instance has stayed up resetAfterMs, not at readiness:
    // an instance that crashes soon after it is a failed start (see instance.ts).
    if (this.failures > 0 || this.crash) {
      this.clock.setTimer(() => {
        if (inst.state !== "ready") return;
        this.failures = 0;
        this.crash = undefined;
      }, this.backoff.resetAfterMs);
    }
  }

  /**
   * A start failed: back off exponentially, and fail the waiters at once with the cause when nothing
   * is ready. The first crash of an instance after readiness (`afterReady`, no failure before) is
   * replaced at once, without the crash-looping state: one crash is not a loop; the next is.
   */
  private startFailed(cause: string, afterReady = false): void {
    this.failures++;
    if (afterReady && this.failures === 1) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (this.failures - 1));
    this.nextStartAt = this.clock.now() + delay;
    this.crash = { cause, failures: this.failures, nextStartAt: this.nextStartAt };
    if (this.ready === 0) {
      const error = new ActivationError(502, `${this.fn.id}: crash-looping: ${cause}`);
      for (const w of [...this.waiters]) w.reject(error);
    }
  }

  private crashReason(): string {
    const c = this.crash as CrashLoop;
    return `crash-looping: ${c.cause}; start ${c.failures} failed, next in ${((c.nextStartAt - this.clock.now()) / 1000).toFixed(1)}s`;
  }

  private startOne(): void {
    this.pendingStarts++;
    const startedAt = this.clock.now();
    const pendingId = `${this.fn.name}-start-${++this.seq}`;
    const p = (async () => {
      const started = this.driver.start({ app: this.opts.app, fn: this.fn, env: this.opts.env });
      let cancel = () => {};
      const timedOut = new Promise<never>((_, reject) => {
        cancel = this.clock.setTimer(() => reject(new Error(`not listening within ${this.opts.startTimeoutMs} ms`)), this.opts.startTimeoutMs);
      });
      let handle: Instance;
      try {
        handle = await Promise.race([started, timedOut]);
      } catch (e) {
        void started.then((h) => h.stop(0), () => undefined); // a start that comes too late is stopped
        this.pendingStarts--;
        if (this.closed) return;
        this.startFailed((e as Error).message);
        this.opts.onEvent({ type: "instance", fn: this.fn.id, id: pendingId, state: "failed", reason: this.crashReason() });
        this.reconcile();
        return;
      } finally {
        cancel();
      }
      this.pendingStarts--;
      const inst: Slot = { id: handle.id, host: handle.host ?? "127.0.0.1", port: handle.port, state: "starting", inflight: 0, handle, startedAt };
      this.list.push(inst);
      this.opts.onEvent({ type: "instance", fn: this.fn.id, id: inst.id, state: "starting" });
      void handle.exited.then(
        (info) => this.apply(inst, { type: "exited", cause: describeExit(info) }),
        () => this.apply(inst, { type: "exited", cause: "exited" }),
      );
      if (this.closed || this.active > this.target) {
        this.apply(inst, { type: "drain", reason: this.closed ? "shutdown" : "scaled down before ready" });
        return;
      }
      const remaining = Math.max(0, this.opts.startTimeoutMs - (this.clock.now() - startedAt));
      const probe = this.opts.probe ?? probeReady;
      const ok = await probe({ host: inst.host, port: inst.port, path: this.fn.readinessPath }, remaining, handle.exited);
      if (inst.state !== "starting") return;
      this.apply(inst, ok ? { type: "ready" } : { type: "not-ready", cause: `not ready within ${this.opts.startTimeoutMs} ms (GET ${this.fn.readinessPath} on ${inst.host}:${inst.port})` });
    })();
    this.starting.add(p);
    void p.finally(() => this.starting.delete(p));
  }
}

function rank(i: Slot): number {
  return i.state === "starting" ? 0 : 1;
}

/** Poll GET <path> on host:port until a 2xx/3xx (Kubernetes' httpGet probe), the instance exits, or the timeout. */
export async function probeReady(target: { host: string; port: number; path: string }, timeoutMs: number, exited: Promise<unknown>): Promise<boolean> {
  const { host, port, path } = target;
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
