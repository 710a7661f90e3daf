import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { pino, type Logger } from "pino";
import type { DeploymentGraph, FunctionNode, ScalingPolicyNode, TriggerNode } from "../../lib/index.js";
import type { Driver } from "../drivers/types.js";
import { engineInputs, engineModel } from "../../lib/engines/index.js";
import type { ColdStartBehaviour, EffectiveScaling, EngineInput, EngineScaler, LoadSample, ScaleDecision } from "../../lib/engines/types.js";
import type { EngineName } from "../../lib/vocabulary.js";
import { ZEROSCALE_DEFAULTS } from "../../lib/engines/zeroscale/defaults.js";
import { GatewayMetrics } from "./observability.js";
import { UsageMeter } from "./usage.js";
import { type Arrival, type BackoffOptions, type Clock, FunctionPool, type PoolEvent } from "./pool.js";
import { ScaleController } from "./controller.js";
import { type DataPlane, NodeDataPlane } from "./data-plane.js";
import { dispatch } from "./dispatch.js";
import { Router } from "./router.js";
import type { Deliver } from "./schedules.js";
import { startAdmin } from "./admin.js";
import type { Settled } from "../connectors/retry.js";
import { EventSources, type TriggerDeliveryStats } from "./events.js";
import { BodyBudget, drainBody, freePort, json, readBoundedBody } from "./http.js";
import { applyEdgeLimits, checkRequest, EDGE_DRAIN_BYTES, type EdgeLimits, edgeLimits, serverOptions } from "./edge.js";
import { headerProblem, stripHopByHop } from "./headers.js";
import { LiveStats } from "./stats.js";

export { freePort } from "./http.js";

/**
 * A cold-start override for every function: reject, or buffer with only the fields given replaced;
 * the others keep each function's effective cold start (from its engine model), or
 * ZEROSCALE_DEFAULTS.coldStart where that one rejects.
 */
export type ColdStartOverride =
  | { readonly mode: "reject" }
  | { readonly mode: "buffer"; readonly maxRequests?: number | null; readonly maxWaitSeconds?: number };

/** A function's effective cold start with an override merged over it (only the fields it gives). */
export function mergeColdStart(effective: ColdStartBehaviour, override: ColdStartOverride | undefined): ColdStartBehaviour {
  if (!override) return effective;
  if (override.mode === "reject") return { mode: "reject" };
  const base = effective.mode === "buffer" ? effective : ZEROSCALE_DEFAULTS.coldStart;
  return { mode: "buffer", maxRequests: override.maxRequests !== undefined ? override.maxRequests : base.maxRequests, maxWaitSeconds: override.maxWaitSeconds ?? base.maxWaitSeconds };
}

/** Options of a {@link Gateway}. */
export interface GatewayOptions {
  /** Runs the instances. */
  readonly driver: Driver;
  /** Public route port (0 = any free port). @default 3000 */
  readonly port?: number;
  /** Address the route port binds: keep 127.0.0.1 outside containers. @default "127.0.0.1" */
  readonly host?: string;
  /** Admin port (metrics, status, events) on 127.0.0.1 (0 = any free port). @default 0 */
  readonly adminPort?: number;
  /**
   * The scaling engine whose semantics the gateway runs: "zeroscale" (every knob as declared), or
   * "knative" / "keda" to emulate what that engine really does (`zeroscale dev --emulate`).
   * @default "zeroscale"
   */
  readonly engine?: EngineName;
  /** Options of the engine's model (e.g. Knative's `gracePeriodSeconds`, KEDA's `pollingIntervalSeconds`). */
  readonly engineOptions?: Readonly<Record<string, unknown>>;
  /**
   * Cold-start behaviour for every HTTP request, merged over each function's effective cold start
   * (its policy's `coldStart`, or the engine's default): only the fields given are replaced. Event
   * deliveries (queues, schedules) always wait in ZEROSCALE_DEFAULTS.coldStart's buffer.
   */
  readonly coldStart?: ColdStartOverride;
  /** Alias: buffer mode with this many requests held per function (when `coldStart` is not given); the wait stays each function's. */
  readonly bufferSize?: number;
  /** Alias: buffer mode with this longest wait, ms (when `coldStart` is not given); the buffer size stays each function's. */
  readonly waitTimeoutMs?: number;
  /** Wall clock for schedule baselines, ms since the epoch (tests shift it). @default Date.now */
  readonly wallClock?: () => number;
  /** Longest an instance may take to pass readiness, ms. @default 60000 */
  readonly startTimeoutMs?: number;
  /** Largest request body, bytes (413 above). @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** Largest request header block, bytes (431 above). @default 16 KiB */
  readonly maxHeaderBytes?: number;
  /** Longest a client may take to send the request line and headers, ms (then 408 and close). @default 10000 */
  readonly headersTimeoutMs?: number;
  /** Longest a client may take to send the whole request, body included, ms (then 408 and close); not the function's run time. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** How long an idle client keep-alive connection stays open, ms; below the runner's 75 s. @default 5000 */
  readonly keepAliveTimeoutMs?: number;
  /** Open client connections at most on the route port; one more gets 503 and is closed at once. @default 10000 */
  readonly maxConnections?: number;
  /** Request bodies held in memory at once across all requests, bytes; a body that does not fit gets 503 with Retry-After. @default 256 MiB */
  readonly maxBufferedBytes?: number;
  /**
   * Host values the route port answers (`name` on any port, or `name:port` exactly); any other gets
   * 403 (against DNS rebinding). Hosts of routes with `http.host` are allowed too.
   * @default every host
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Retry an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE) once, on another instance, when its
   * instance failed after the request may have reached it (a reset or a crash). Off by default:
   * requests are delivered at most once, and only a request that provably never reached an instance
   * (a refused fresh connection) is sent to another one.
   * @default false
   */
  readonly retryIdempotent?: boolean;
  /** Backoff of failed instance starts (a crash loop). @default 500 ms doubling to 30 s, reset after 10 s ready */
  readonly startBackoff?: BackoffOptions;
  /** What carries requests to instances. @default the in-process Node proxy (NodeDataPlane) */
  readonly dataPlane?: DataPlane;
  /** Knative's scale-to-zero-grace-period, seconds, when emulating Knative (`engine: "knative"`). @default 30 */
  readonly scaleToZeroGracePeriodSeconds?: number;
  /** Secret values for dev, by store and key (never logged). @default {} */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Structured logger. @default pino at "info" on stderr */
  readonly logger?: Logger;
}

/** A function as the gateway runs it. */
interface Fn {
  readonly node: FunctionNode;
  readonly policy: ScalingPolicyNode;
  readonly pool: FunctionPool;
  /** What the engine does with this function's policy (the scaler runs exactly this). */
  readonly effective: EffectiveScaling;
  readonly coldStart: ColdStartBehaviour;
  readonly scaler: EngineScaler;
  /** Decides its scale (the tick loop and the activation path both ask it). */
  readonly controller: ScaleController;
  /** Measures the ready instances' CPU and memory when the policy scales on cpu or memory. */
  readonly usage: UsageMeter | undefined;
  /** The queue backlog of the connectors delivering to it. */
  backlog?: () => number;
  last?: ScaleDecision;
  /** Set by the console's scale-to-zero: decisions are held at 0 until new work arrives or the engine decides 0 itself (`ticks`: seconds held so far). */
  forcedZero?: { ticks: number } | undefined;
  /** Usage probe of a cpu/memory function: not yet, under way, or done. */
  probe?: "running" | "done" | undefined;
  /** Why its cpu/memory metric cannot be measured on this runtime (it is then never scaled on it); undefined while it can. */
  unmeasurable?: string;
}

/** What `status()` reports per function. */
export interface FunctionStatus {
  readonly id: string;
  readonly name: string;
  /** "crash-looping" while its instances fail to start (then `error` says why), else "ready" / "starting" / "at-zero". */
  readonly state: "ready" | "starting" | "at-zero" | "crash-looping";
  readonly instances: { starting: number; ready: number; draining: number };
  readonly inflight: number;
  readonly buffered: number;
  readonly desired: number;
  readonly last: ScaleDecision | null;
  /** The engine's effective scaling of this function (what the gateway runs). */
  readonly effective: EffectiveScaling;
  /** What a request finding no ready instance gets (the effective cold start, or the gateway's override). */
  readonly coldStart: ColdStartBehaviour;
  /** Measured average CPU / memory of the ready instances, percent of the request (cpu/memory policies). */
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
  /** "crash-looping: <cause>" while its instances fail to start; why it cannot be scaled as declared (e.g. "cpu not measurable on this runtime: ..."); null when all is well. */
  readonly error: string | null;
}

/**
 * The zeroscale gateway: routes HTTP triggers on one port, holds requests for functions at zero
 * while an instance starts (the activator), balances least-in-flight within each function's
 * concurrency limit, and scales each function with an engine's scaler fed one LoadSample a second:
 * zeroscale's own (every ScalingPolicy knob exactly as declared) or an emulated Knative / KEDA.
 * Fires schedules and consumes queues as CloudEvents. Events: "decision" (ScaleDecision), "instance"
 * (PoolEvent).
 */
export class Gateway extends EventEmitter {
  readonly metrics = new GatewayMetrics();
  /** What the console and the live view show: requests, rates, errors, latency, cold starts, instance-seconds, logs (fed by `zeroscale dev`). */
  readonly live = new LiveStats();
  readonly log: Logger;
  private readonly fns = new Map<string, Fn>();
  private readonly router: Router;
  private server: Server | undefined;
  private admin: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private events: EventSources | undefined;
  private readonly t0 = performance.now();
  /** The control plane's clock: ms since the gateway was created (pools, the controller, the scalers). */
  private readonly clock: Clock = {
    now: () => performance.now() - this.t0,
    setTimer: (fn, ms) => {
      const t = setTimeout(fn, Math.min(Math.max(0, ms), 2 ** 31 - 1));
      t.unref(); // the servers keep the gateway alive, not its timers
      return () => clearTimeout(t);
    },
  };
  /** What carries requests to instances. */
  private readonly plane: DataPlane;
  private readonly wallClock: () => number;
  /** The edge limits in force (options with defaults). */
  readonly limits: EdgeLimits;
  private readonly bodies: BodyBudget;
  private readonly allowedHosts: readonly string[] | undefined;
  private refused: WeakSet<object> = new WeakSet();
  /** The engine the gateway runs. */
  readonly engine: EngineName;

  constructor(
    readonly graph: DeploymentGraph,
    private readonly options: GatewayOptions,
  ) {
    super();
    this.log = options.logger ?? pino({ level: "info" }, pino.destination(2));
    this.router = new Router(graph);
    this.plane = options.dataPlane ?? new NodeDataPlane((fn) => this.fns.get(fn)?.node.concurrency ?? 1);
    this.plane.setRoutes(this.router.routes);
    this.wallClock = options.wallClock ?? Date.now;
    this.engine = options.engine ?? "zeroscale";
    this.limits = edgeLimits(options);
    this.bodies = new BodyBudget(this.limits.maxBufferedBytes);
    const routeHosts = this.router.routes.flatMap((r) => (r.host === null ? [] : [r.host]));
    this.allowedHosts = options.allowedHosts ? [...options.allowedHosts, ...routeHosts] : undefined;
  }

  /** Bytes of request bodies held in memory now (at most `limits.maxBufferedBytes`). */
  get bufferedBodyBytes(): number {
    return this.bodies.bytes;
  }

  /** Seconds since the gateway was created. */
  now(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** The public URL, once started. */
  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }
  /** The admin URL, once started. */
  get adminUrl(): string {
    return `http://127.0.0.1:${(this.admin?.address() as AddressInfo).port}`;
  }
  get routes() {
    return this.router.routes;
  }

  /** Prepare every function (fails with what to install), then listen, schedule and consume. */
  async start(): Promise<void> {
    const driver = this.options.driver;
    const removed = await driver.cleanup(this.graph.app.name);
    if (removed > 0) this.log.info({ removed }, "removed instances left by an earlier run");
    for (const input of engineInputs(this.graph)) {
      await driver.prepare(input.fn);
      this.addFunction(input);
    }
    // A cpu/memory policy on a runtime that cannot measure usage would never scale: refuse before serving.
    const why = driver.usageUnmeasurable?.();
    if (why) {
      const blind = [...this.fns.values()].filter((f) => f.usage);
      if (blind.length > 0) {
        throw new Error(`${blind.map((f) => `${f.node.id} scales on ${f.effective.metric.type}`).join(", ")}, which the ${driver.kind} runtime cannot measure here: ${why}; scale on concurrency, rps or queueLength, or run with another runtime`);
      }
    }
    await this.listen();
    this.admin = await startAdmin(this, this.options.adminPort ?? 0);
    const triggers = this.graph.nodes.filter((n): n is TriggerNode => n.kind === "trigger");
    const maxInflight = (id: string) => {
      const f = this.fns.get(id);
      return f ? f.effective.maxInstances * f.node.concurrency : 1;
    };
    this.events = new EventSources({ app: this.graph.app.name, engine: this.engine, deliver: this.deliver, log: this.log, metrics: this.metrics, maxInflight });
    const connectors = await this.events.start(triggers);
    for (const c of connectors) {
      const fn = this.fns.get(c.target);
      if (fn) {
        const previous = fn.backlog;
        fn.backlog = () => (previous?.() ?? 0) + c.backlog();
      }
    }
    for (const fn of this.fns.values()) fn.controller.boot();
    this.timer = setInterval(() => this.everySecond(), 1000);
    this.timer.unref();
    this.log.info({ url: this.url, admin: this.adminUrl, functions: this.fns.size }, "gateway started");
  }

  /** Stop schedules, connectors and listeners; drain and stop every instance. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.events?.stop();
    // Stop accepting, let in-flight requests finish (idle keep-alive connections close now).
    const closed = new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeIdleConnections();
    await Promise.all([...this.fns.values()].map((f) => f.pool.close()));
    this.server?.closeAllConnections();
    await closed;
    this.plane.close();
    const adminClosed = new Promise<void>((r) => (this.admin ? this.admin.close(() => r()) : r()));
    this.admin?.closeAllConnections(); // event streams included
    await adminClosed;
    await this.options.driver.close?.(); // its temp folders (the Docker driver's runner folder)
  }

  /** Per-function state, for the admin endpoint and the live view. */
  status(): FunctionStatus[] {
    return [...this.fns.values()].map((f) => {
      const instances = f.pool.counts();
      const crash = f.pool.crashLoop;
      const state = crash ? "crash-looping" : instances.ready > 0 ? "ready" : instances.starting > 0 ? "starting" : "at-zero";
      const errors = [...(crash ? [`crash-looping: ${crash.cause}`] : []), ...(f.unmeasurable ? [f.unmeasurable] : [])];
      return {
      id: f.node.id,
      name: f.node.name,
      state,
      instances,
      inflight: f.pool.inflight,
      buffered: f.pool.buffered,
      desired: f.last?.desired ?? f.pool.active,
      last: f.last ?? null,
      effective: f.effective,
      coldStart: f.coldStart,
      cpuPercent: f.usage?.cpuPercent ?? null,
      memoryPercent: f.usage?.memoryPercent ?? null,
      error: errors.length > 0 ? errors.join("; ") : null,
      } satisfies FunctionStatus;
    });
  }

  /**
   * The console's scale-to-zero: the function's decisions are held at 0 from the next tick (its
   * instances drain and stop) until new work arrives or its engine decides 0 itself; returns how many
   * instances were running.
   */
  scaleToZero(fnId: string): number {
    const f = this.fns.get(fnId);
    if (!f) return 0;
    f.forcedZero = { ticks: 0 };
    this.log.info({ fn: fnId, instances: f.pool.active }, "scale to zero requested from the console");
    return f.pool.active;
  }

  /** Fire schedule trigger `triggerId` now, as its cron would (the console's "fire now"); undefined when no schedule of that id runs. */
  fireSchedule(triggerId: string): { id: string; settled: Promise<Settled> } | undefined {
    return this.events?.fire(triggerId);
  }

  /** Per schedule and queue trigger: events delivered, retried, dead-lettered, dropped (the admin /status). */
  deliveryStats(): TriggerDeliveryStats[] {
    return this.events?.stats(this.graph.nodes.filter((n): n is TriggerNode => n.kind === "trigger")) ?? [];
  }

  /**
   * Deliver one attempt of an event (schedule, queue message) to a function, waking it if needed;
   * resolves with the status code. `timeoutMs` bounds the attempt, the wait for an instance included
   * (the function's own timeout still applies); past it the attempt rejects.
   */
  readonly deliver: Deliver = async (fnId, trigger, event, o) => {
    const fn = this.fns.get(fnId);
    if (!fn) return 404;
    const started = performance.now();
    const cold = fn.pool.counts().ready === 0;
    const record = (status: number) => this.live.request({ at: Date.now(), fn: fnId, method: "EVENT", path: trigger, status, ms: performance.now() - started, coldStart: cold });
    const arrival = fn.pool.arrive();
    const signal = o?.timeoutMs === undefined ? undefined : AbortSignal.timeout(o.timeoutMs);
    const out = await dispatch(fn, this.plane, { method: "POST", path: "/", headers: event.headers, body: event.body }, { kind: "event", extraHeaders: {}, arrival, signal });
    if (!out.ok && out.clientGone && signal?.aborted) {
      this.metrics.deliveries.inc({ trigger, outcome: "failed" });
      record(504);
      throw new Error(`${fnId} did not answer within the delivery timeout (${o?.timeoutMs}ms)`);
    }
    if (!out.ok) {
      this.metrics.deliveries.inc({ trigger, outcome: out.retryAfterSeconds !== undefined ? "no-instance" : "failed" });
      this.log.warn({ trigger, fn: fnId, err: out.message }, "event not delivered");
      record(out.status);
      return out.status;
    }
    try {
      const res = out.res;
      res.resume();
      await new Promise<void>((resolve, reject) => {
        res.on("end", resolve);
        res.on("error", reject);
        res.on("close", () => (res.complete ? resolve() : reject(new Error("the response was cut off"))));
      });
      const code = res.statusCode ?? 0;
      this.metrics.deliveries.inc({ trigger, outcome: code >= 200 && code < 300 ? "ok" : "failed" });
      record(code);
      return code;
    } catch (e) {
      this.metrics.deliveries.inc({ trigger, outcome: "failed" });
      this.log.warn({ trigger, fn: fnId, err: (e as Error).message }, "event delivery failed");
      record(502);
      return 502;
    } finally {
      out.release();
    }
  };

  /** The engine model's options: Knative's grace period comes from `scaleToZeroGracePeriodSeconds`. */
  private engineOptions(): Record<string, unknown> {
    const o: Record<string, unknown> = { ...this.options.engineOptions };
    if (this.engine === "knative" && this.options.scaleToZeroGracePeriodSeconds !== undefined) o["gracePeriodSeconds"] ??= this.options.scaleToZeroGracePeriodSeconds;
    return o;
  }

  /** The HTTP cold start of a function: the override (the option, else the aliases) merged over the engine's effective one. */
  private coldStartOf(effective: EffectiveScaling): ColdStartBehaviour {
    const o = this.options;
    const alias: ColdStartOverride | undefined =
      o.bufferSize === undefined && o.waitTimeoutMs === undefined
        ? undefined
        : { mode: "buffer", ...(o.bufferSize !== undefined ? { maxRequests: o.bufferSize } : {}), ...(o.waitTimeoutMs !== undefined ? { maxWaitSeconds: o.waitTimeoutMs / 1000 } : {}) };
    return mergeColdStart(effective.coldStart, o.coldStart ?? alias);
  }

  private addFunction(input: EngineInput): void {
    const { fn: node, policy } = input;
    const model = engineModel(this.engine);
    const options = this.engineOptions();
    const { effective, diagnostics } = model.effective(input, options);
    for (const d of diagnostics) this.log.warn({ fn: node.id, engine: this.engine, code: d.code, prop: d.prop }, `${d.problem}; ${d.fix}`);
    const scaler = model.scaler(input, options, this.now());
    const coldStart = this.coldStartOf(effective);
    // Reject mode still buffers requests that find every ready instance busy, with the default buffer;
    // event deliveries always wait in the default buffer (the HTTP cold start is for HTTP clients).
    const buffer = coldStart.mode === "buffer" ? coldStart : ZEROSCALE_DEFAULTS.coldStart;
    const events = ZEROSCALE_DEFAULTS.coldStart;
    const pool = new FunctionPool(node, this.options.driver, {
      app: this.graph.app.name,
      bufferSize: buffer.maxRequests ?? Number.POSITIVE_INFINITY,
      waitTimeoutMs: buffer.maxWaitSeconds * 1000,
      events: { bufferSize: events.maxRequests ?? Number.POSITIVE_INFINITY, waitTimeoutMs: events.maxWaitSeconds * 1000 },
      rejectWhileCold: coldStart.mode === "reject",
      clock: this.clock,
      startTimeoutMs: this.options.startTimeoutMs ?? 60_000,
      ...(this.options.startBackoff ? { backoff: this.options.startBackoff } : {}),
      maxInstances: effective.maxInstances,
      env: this.instanceEnv(node),
      onEvent: (e) => this.onPoolEvent(e),
    });
    const metric = effective.metric.type;
    const usage = metric === "cpu" || metric === "memory" ? new UsageMeter(node, (e) => this.log.debug({ fn: node.id, err: e.message }, "usage not measured")) : undefined;
    const controller = new ScaleController(node.id, scaler, pool, effective.maxInstances, () => this.now(), this.log);
    const fn: Fn = { node, policy, pool, effective, coldStart, scaler, controller, usage };
    // A request reached the function at zero: the controller (not the pool) decides what happens.
    pool.onActivate = () => controller.activate();
    this.fns.set(node.id, fn);
    this.live.declare(node.id);
  }

  private instanceEnv(node: FunctionNode): Record<string, string> {
    const env: Record<string, string> = { ...node.env };
    for (const [name, ref] of Object.entries(node.secrets)) {
      const value = this.options.secrets?.[ref.secret]?.[ref.key];
      if (value !== undefined) env[name] = value;
      else this.log.warn({ fn: node.id, env: name, secret: ref.secret, key: ref.key }, "secret value not provided for dev; the variable is unset");
    }
    return env;
  }

  private onPoolEvent(e: PoolEvent): void {
    if (e.type === "instance") {
      if (e.state === "ready" && e.coldStartMs !== undefined) {
        this.metrics.coldStarts.inc({ function: e.fn });
        this.metrics.coldStartSeconds.observe({ function: e.fn }, e.coldStartMs / 1000);
        this.live.coldStart(e.fn, e.coldStartMs);
      }
      const level = e.state === "failed" || e.reason?.startsWith("exited unexpectedly") ? "warn" : "info";
      this.log[level]({ fn: e.fn, instance: e.id, state: e.state, coldStartMs: e.coldStartMs, reason: e.reason }, "instance");
      // The data plane carries traffic to ready and draining instances; a draining one gets no new connection.
      const pool = this.fns.get(e.fn)?.pool;
      if (pool && (e.state === "ready" || e.state === "draining" || e.state === "stopped" || e.state === "failed")) {
        this.plane.setInstances(e.fn, pool.instances.filter((i) => i.state === "ready" || i.state === "draining"));
        if (e.state === "draining") this.plane.drain(e.fn, e.id);
      }
      if (e.state === "ready") this.probeUsage(e.fn, e.id);
    }
    this.emit(e.type === "instance" ? "instance" : "buffer", e);
  }

  /**
   * When the first instance of a cpu/memory function is ready, read its usage once: a runtime that
   * cannot measure it (no /proc, no container stats) would leave the function never scaled, so say so
   * loudly (error log, /status `error`, every decision's reason) instead.
   */
  private probeUsage(fnId: string, instanceId: string): void {
    const f = this.fns.get(fnId);
    if (!f?.usage || f.probe !== undefined) return;
    const inst = f.pool.instances.find((i) => i.id === instanceId);
    if (!inst) return;
    f.probe = "running";
    const metric = f.effective.metric.type;
    void (async () => {
      let problem: string | undefined;
      try {
        if ((await inst.handle.usage()) === null) problem = `the ${this.options.driver.kind} runtime reports no usage for instance ${inst.id}`;
      } catch (e) {
        problem = `reading the usage of instance ${inst.id} failed: ${(e as Error).message}`;
      }
      // An instance that stopped meanwhile proves nothing: probe the next one.
      if (problem !== undefined && inst.state !== "ready") {
        f.probe = undefined;
        return;
      }
      f.probe = "done";
      if (problem === undefined) return;
      f.unmeasurable = `${metric} not measurable on this runtime: ${problem}; ${f.node.id} is never scaled on ${metric} (scale on concurrency, rps or queueLength, or use another runtime)`;
      this.log.error({ fn: f.node.id, metric, runtime: this.options.driver.kind }, f.unmeasurable);
    })();
  }

  /** Each second: one LoadSample per function to its engine's scaler, and act on its decision. */
  private everySecond(): void {
    const now = this.now();
    const wallClockMs = this.wallClock();
    for (const f of this.fns.values()) {
      const counts = f.pool.counts();
      const sample: LoadSample = {
        now,
        concurrency: f.pool.takeConcurrency(), // time-weighted in-flight + buffered over the last second
        arrivals: f.pool.takeArrivals(),
        inflight: f.pool.inflight + f.pool.buffered + f.pool.arriving,
        backlog: f.backlog?.() ?? 0,
        cpuPercent: f.usage?.cpuPercent ?? null,
        memoryPercent: f.usage?.memoryPercent ?? null,
        lastRequestEndedAt: f.pool.lastIdleAt,
        wallClockMs,
      };
      // Measure for the next second (asynchronous; never two readings of a function at once).
      if (f.usage) {
        f.usage.measure(f.pool.instances.filter((i) => i.state === "ready"));
        if (sample.cpuPercent !== null) this.metrics.usage.set({ function: f.node.id, resource: "cpu" }, sample.cpuPercent);
        if (sample.memoryPercent !== null) this.metrics.usage.set({ function: f.node.id, resource: "memory" }, sample.memoryPercent);
      }
      this.metrics.instances.set({ function: f.node.id, state: "ready" }, counts.ready);
      this.metrics.instances.set({ function: f.node.id, state: "starting" }, counts.starting);
      this.metrics.instances.set({ function: f.node.id, state: "draining" }, counts.draining);
      this.metrics.buffered.set({ function: f.node.id }, f.pool.buffered);
      this.metrics.inflight.set({ function: f.node.id }, f.pool.inflight);
      this.live.instances(f.node.id, counts.ready + counts.starting + counts.draining, { ...counts, inflight: f.pool.inflight, buffered: f.pool.buffered });
      // New work (after the second the request came in, whose arrivals predate it): the engine decides again.
      if (f.forcedZero && f.forcedZero.ticks++ > 0 && (sample.arrivals > 0 || sample.backlog > 0)) f.forcedZero = undefined;
      const decision = f.controller.tick(sample, (d) => {
        const held = f.forcedZero ? (d.desired === 0 ? ((f.forcedZero = undefined), d) : { ...d, desired: 0, reason: `scaled to zero from the console (the engine wanted ${d.desired}: ${d.reason})` }) : d;
        return f.unmeasurable ? { ...held, reason: `${f.unmeasurable} (${held.reason})` } : held;
      });
      if (!decision) continue;
      this.metrics.desired.set({ function: f.node.id }, decision.desired);
      // Emit when the count or the kind of reason changes (not for every tick of a countdown or a moving average).
      const changed = f.last?.desired !== decision.desired || reasonKind(f.last?.reason) !== reasonKind(decision.reason);
      f.last = decision;
      if (changed) this.emit("decision", decision);
    }
  }

  private listen(): Promise<void> {
    const server = createServer(serverOptions(this.limits), (req, res) => this.handleSafely(req, res));
    this.refused = applyEdgeLimits(server, this.limits).refused;
    // Expect: 100-continue with a body over the limit gets its 413 before the client sends the body.
    server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
      if (Number(req.headers["content-length"] ?? "0") > this.limits.maxBodyBytes) return json(res, 413, { error: `request body over ${this.limits.maxBodyBytes} bytes` }, { connection: "close" });
      res.writeContinue();
      this.handleSafely(req, res);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 3000, this.options.host ?? "127.0.0.1", () => resolve());
    });
  }

  /** Handle one request; whatever goes wrong in it is logged and ends only that request, never the gateway. */
  private handleSafely(req: IncomingMessage, res: ServerResponse): void {
    const upstream: { abort?: () => void } = {};
    this.handle(req, res, upstream).catch((e: unknown) => {
      this.log.error({ err: (e as Error)?.message ?? String(e), method: req.method, url: req.url }, "request failed in the gateway");
      upstream.abort?.(); // its upstream request and socket, and its slot (idempotent)
      if (res.headersSent) return void res.destroy();
      try {
        json(res, 502, { error: "the gateway failed while handling the request" }, { connection: "close" });
      } catch {
        res.destroy();
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, upstream: { abort?: () => void } = {}): Promise<void> {
    const started = performance.now();
    if (this.refused.has(req.socket)) return void res.destroy(); // past the connection cap: already answered 503
    // One normalisation of the target, for routing and for what the function sees (edge.ts).
    const edge = checkRequest(req, this.allowedHosts, headerProblem(req));
    if (!edge.ok) {
      req.resume();
      return json(res, edge.status, { error: edge.error }, { connection: "close" });
    }
    const path = edge.path;
    const url = `${path}${edge.query}`;
    const match = this.router.match(req.method ?? "GET", edge.host, path);
    if (!("route" in match)) {
      req.resume();
      const body = match.status === 404
        ? { error: `no route for ${req.method} ${path}`, routes: this.router.routes.map((r) => `${r.methods.length ? r.methods.join(",") : "*"} ${r.host ?? ""}${r.path}`) }
        : { error: `${req.method} is not allowed on ${path}`, allowed: match.allowed };
      return json(res, match.status, body, match.status === 405 ? { allow: (match.allowed ?? []).join(", ") } : {});
    }
    const fn = this.fns.get(match.route.fn) as Fn;
    const fnId = fn.node.id;
    const cold = fn.pool.counts().ready === 0;
    const finish = (code: number) => {
      this.metrics.requestsFor(fnId, code).inc();
      this.metrics.latencyFor(fnId).observe((performance.now() - started) / 1000);
      this.live.request({ at: Date.now(), fn: fnId, method: req.method ?? "GET", path, status: code, ms: performance.now() - started, coldStart: cold });
    };
    // Counted once, now, and in flight while its body arrives (a slow upload keeps the function up).
    const arrival = fn.pool.arrive();
    try {
      await this.serve(fn, req, res, url, edge.host, finish, arrival, upstream);
    } finally {
      arrival.settle();
      this.bodies.release(req); // its body is no longer held
    }
  }

  private async serve(fn: Fn, req: IncomingMessage, res: ServerResponse, url: string, host: string | undefined, finish: (code: number) => void, arrival: Arrival, held: { abort?: () => void }): Promise<void> {
    const fnId = fn.node.id;
    const body = await readBoundedBody(req, this.limits.maxBodyBytes, this.bodies);
    if (body === "too-large" || body === "over-budget") {
      // Read (and discard, bounded) the rest first, so a client still uploading sees the answer, not a reset.
      this.bodies.release(req);
      const drained = await drainBody(req, EDGE_DRAIN_BYTES);
      const status = body === "too-large" ? 413 : 503;
      finish(status);
      const error = status === 413 ? `request body over ${this.limits.maxBodyBytes} bytes` : `the gateway holds ${this.limits.maxBufferedBytes} bytes of request bodies already; retry shortly`;
      return json(res, status, { error, function: fnId }, status === 503 ? { "retry-after": "1", ...(drained ? {} : { connection: "close" }) } : { connection: "close" });
    }
    if (body === "aborted") return;
    // The client leaving (before or during the response) aborts: a buffered request is dropped and
    // never sent, an upstream request is destroyed with its socket, and the slot is freed at once.
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.once("close", onClose);
    if (res.destroyed || req.socket.destroyed) gone.abort();
    // The host the edge verified (an absolute-form target's authority replaces Host, RFC 9112 3.2.2) is the one the function sees.
    const extra = {
      "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1",
      "x-forwarded-host": host ?? "",
      "x-forwarded-proto": "http",
    };
    const headers = { ...stripHopByHop(req.headers), ...(host !== undefined ? { host } : {}) };
    const out = await dispatch(fn, this.plane, { method: req.method ?? "GET", path: url, headers, body }, { kind: "request", extraHeaders: extra, arrival, signal: gone.signal, retryIdempotent: this.options.retryIdempotent ?? false });
    if (!out.ok) {
      finish(out.status);
      if (out.clientGone) return;
      return json(res, out.status, { error: out.message, function: fnId }, out.retryAfterSeconds !== undefined ? { "retry-after": String(out.retryAfterSeconds) } : {});
    }
    const upstream = out.res;
    held.abort = () => out.abort();
    try {
      const code = upstream.statusCode ?? 0;
      if (!Number.isInteger(code) || code < 100 || code > 599) {
        // Node's client accepts any three digits; its server refuses to send them: a 502 naming the function.
        out.abort();
        finish(502);
        return json(res, 502, { error: `the instance of ${fnId} answered with an invalid HTTP status (${String(upstream.statusCode)})`, function: fnId });
      }
      res.writeHead(code, stripHopByHop(upstream.headers));
      upstream.pipe(res);
      await new Promise<void>((resolve) => {
        upstream.on("end", resolve);
        upstream.on("error", () => {
          res.destroy();
          resolve();
        });
        res.on("close", resolve);
      });
      // The client left mid-response: destroy the upstream request and its socket now (not at the function's timeout).
      if (!upstream.complete) out.abort();
      finish(upstream.statusCode ?? 502);
    } finally {
      out.release();
      res.off("close", onClose);
    }
  }
}

function reasonKind(reason: string | undefined): string | undefined {
  return reason?.replace(/\d+(\.\d+)?/g, "#");
}
