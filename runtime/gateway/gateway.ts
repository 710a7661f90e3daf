import { EventEmitter } from "node:events";
import type { Server } from "node:http";
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
import { carriedNow, combinedSample } from "./load.js";
import { bindError, planeFunctions, recordPlaneRequest } from "./plane-start.js";
import { type DataPlaneChoice, resolveDataPlane } from "./planes.js";
import { RequestPath } from "./request-path.js";
import { Router } from "./router.js";
import type { Deliver } from "./schedules.js";
import { startAdmin } from "./admin.js";
import type { Settled } from "../connectors/retry.js";
import { EventSources, type TriggerDeliveryStats } from "./events.js";
import { BodyBudget } from "./http.js";
import { type EdgeLimits, edgeLimits } from "./edge.js";
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
  /**
   * What carries requests to instances: "node", the in-process Node proxy (NodeDataPlane; needs
   * nothing installed); "haproxy", HAProxy on the route port (haproxy on PATH) with the gateway's
   * server as its activator on 127.0.0.1; or a DataPlane of your own.
   * @default "node"
   */
  readonly dataPlane?: DataPlaneChoice;
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
  /** The gateway's own server: the route port (Node data plane), or the activator behind a data plane that faces clients. */
  private server: Server | undefined;
  /** The data plane's public URL when it faces clients itself. */
  private publicUrl: string | undefined;
  /** Ends the subscription to the data plane's request log. */
  private unsubscribe: (() => void) | undefined;
  /** Per function, the instances that became ready (only those are given to the data plane). */
  private readonly served = new Map<string, Set<string>>();
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
  /** What carries requests to instances (the "haproxy" one is made in start()). */
  private plane: DataPlane;
  private readonly requestPath: RequestPath;
  private readonly wallClock: () => number;
  /** The edge limits in force (options with defaults). */
  readonly limits: EdgeLimits;
  private readonly bodies: BodyBudget;
  private readonly allowedHosts: readonly string[] | undefined;
  /** The engine the gateway runs. */
  readonly engine: EngineName;

  constructor(
    readonly graph: DeploymentGraph,
    private readonly options: GatewayOptions,
  ) {
    super();
    this.log = options.logger ?? pino({ level: "info" }, pino.destination(2));
    this.router = new Router(graph);
    const choice = options.dataPlane ?? "node";
    this.plane = typeof choice === "object" ? choice : new NodeDataPlane(this.concurrencyOf);
    this.plane.setRoutes(this.router.routes);
    this.wallClock = options.wallClock ?? Date.now;
    this.engine = options.engine ?? "zeroscale";
    this.limits = edgeLimits(options);
    this.bodies = new BodyBudget(this.limits.maxBufferedBytes);
    const routeHosts = this.router.routes.flatMap((r) => (r.host === null ? [] : [r.host]));
    this.allowedHosts = options.allowedHosts ? [...options.allowedHosts, ...routeHosts] : undefined;
    this.requestPath = new RequestPath({
      limits: this.limits,
      bodies: this.bodies,
      allowedHosts: this.allowedHosts,
      router: this.router,
      plane: () => this.plane,
      metrics: this.metrics,
      live: this.live,
      log: this.log,
      retryIdempotent: options.retryIdempotent ?? false,
      behindPlane: () => this.plane.start !== undefined,
      fn: (id) => this.fns.get(id),
    });
  }

  private readonly concurrencyOf = (fn: string): number => this.fns.get(fn)?.node.concurrency ?? 1;

  /** Bytes of request bodies held in memory now (at most `limits.maxBufferedBytes`). */
  get bufferedBodyBytes(): number {
    return this.bodies.bytes;
  }

  /** Seconds since the gateway was created. */
  now(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** The public URL (the route port), once started. */
  get url(): string {
    return this.publicUrl ?? this.activatorUrl;
  }
  /** The gateway's own server, once started: the route port on the Node data plane, else the activator behind HAProxy (127.0.0.1). */
  get activatorUrl(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }
  /** The data plane in force (after start: the "haproxy" one once made). */
  get dataPlane(): DataPlane {
    return this.plane;
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
    if (typeof this.options.dataPlane === "string" && this.options.dataPlane !== "node") {
      this.plane = await resolveDataPlane(this.options.dataPlane, { concurrencyOf: this.concurrencyOf, log: this.log, limits: this.limits, allowedHosts: this.options.allowedHosts, now: this.clock.now });
      this.plane.setRoutes(this.router.routes);
    }
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
    await this.startPlane();
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
    this.log.info({ url: this.url, admin: this.adminUrl, functions: this.fns.size, ...(this.publicUrl ? { activator: this.activatorUrl } : {}) }, "gateway started");
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
    this.unsubscribe?.();
    await this.plane.close(); // HAProxy: stopped (its in-flight requests ended with the instances above)
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
      const carried = carriedNow(this.plane.stats(f.node.id));
      return {
      id: f.node.id,
      name: f.node.name,
      state,
      instances,
      inflight: f.pool.inflight + carried.inflight,
      buffered: f.pool.buffered + carried.queued,
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
      // A data plane that faces clients carries requests the pool never sees: an instance is stopped once it has none.
      ...(this.plane.start ? { quiesce: (id: string) => this.plane.quiesced(node.id, id) } : {}),
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
      // The data plane carries traffic to ready and draining instances (only ones that became ready); a draining one gets no new connection.
      const pool = this.fns.get(e.fn)?.pool;
      const served = this.served.get(e.fn) ?? new Set<string>();
      this.served.set(e.fn, served);
      if (e.state === "ready") served.add(e.id);
      if (pool && (e.state === "ready" || e.state === "draining" || e.state === "stopped" || e.state === "failed")) {
        try {
          this.plane.setInstances(e.fn, pool.instances.filter((i) => (i.state === "ready" || i.state === "draining") && served.has(i.id)));
          if (e.state === "draining" && served.has(e.id)) this.plane.drain(e.fn, e.id);
        } catch (err) {
          // Never into the pool's state machine: that instance is only not carried by the data plane (the activator still serves).
          this.log.error({ fn: e.fn, instance: e.id, err: (err as Error).message }, "the data plane refused the instance list");
        }
      }
      if (e.state === "stopped" || e.state === "failed") served.delete(e.id);
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
      const own = {
        concurrency: f.pool.takeConcurrency(), // time-weighted in-flight + buffered over the last second
        arrivals: f.pool.takeArrivals(),
        inflight: f.pool.inflight + f.pool.buffered + f.pool.arriving,
        lastIdleAt: f.pool.lastIdleAt,
      };
      // Plus what the data plane carried itself (HAProxy's direct traffic; the Node plane: none).
      const sample: LoadSample = combinedSample(own, this.plane.takeLoad(f.node.id), {
        now,
        backlog: f.backlog?.() ?? 0,
        cpuPercent: f.usage?.cpuPercent ?? null,
        memoryPercent: f.usage?.memoryPercent ?? null,
        wallClockMs,
      });
      const carried = carriedNow(this.plane.stats(f.node.id));
      const inflight = f.pool.inflight + carried.inflight;
      const buffered = f.pool.buffered + carried.queued;
      // Measure for the next second (asynchronous; never two readings of a function at once).
      if (f.usage) {
        f.usage.measure(f.pool.instances.filter((i) => i.state === "ready"));
        if (sample.cpuPercent !== null) this.metrics.usage.set({ function: f.node.id, resource: "cpu" }, sample.cpuPercent);
        if (sample.memoryPercent !== null) this.metrics.usage.set({ function: f.node.id, resource: "memory" }, sample.memoryPercent);
      }
      this.metrics.instances.set({ function: f.node.id, state: "ready" }, counts.ready);
      this.metrics.instances.set({ function: f.node.id, state: "starting" }, counts.starting);
      this.metrics.instances.set({ function: f.node.id, state: "draining" }, counts.draining);
      this.metrics.buffered.set({ function: f.node.id }, buffered);
      this.metrics.inflight.set({ function: f.node.id }, inflight);
      this.live.instances(f.node.id, counts.ready + counts.starting + counts.draining, { ...counts, inflight, buffered });
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

  /** The gateway's own server: the route port, or (behind a data plane that faces clients) the activator on 127.0.0.1, any free port. */
  private listen(): Promise<void> {
    const server = this.requestPath.server();
    this.server = server;
    const [port, host] = this.plane.start ? [0, "127.0.0.1"] : [this.options.port ?? 3000, this.options.host ?? "127.0.0.1"];
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
  }

  /** Start a data plane that faces clients on the route port, in front of the activator; its request log feeds the metrics and live stats. */
  private async startPlane(): Promise<void> {
    if (!this.plane.start) return;
    this.unsubscribe = this.plane.onRequest?.((r) => recordPlaneRequest(r, { metrics: this.metrics, live: this.live, known: (fn) => this.fns.has(fn) }));
    const publicPort = this.options.port ?? 3000;
    const activator = { host: "127.0.0.1", port: (this.server?.address() as AddressInfo).port };
    const { url } = await this.plane.start({ publicHost: this.options.host ?? "127.0.0.1", publicPort, activator, functions: planeFunctions(this.fns.values()) }).catch((e: unknown) => {
      throw bindError(e, publicPort);
    });
    this.publicUrl = url;
  }
}

function reasonKind(reason: string | undefined): string | undefined {
  return reason?.replace(/\d+(\.\d+)?/g, "#");
}
