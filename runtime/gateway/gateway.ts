import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { Agent } from "node:http";
import { pino, type Logger } from "pino";
import type { DeploymentGraph, FunctionNode, ScalingPolicyNode, TriggerNode } from "../../lib/index.js";
import type { Driver } from "../drivers/types.js";
import { engineInputs, engineModel } from "../../lib/engines/index.js";
import type { ColdStartBehaviour, EffectiveScaling, EngineInput, EngineScaler, LoadSample, ScaleDecision } from "../../lib/engines/types.js";
import type { EngineName } from "../../lib/vocabulary.js";
import { ZEROSCALE_DEFAULTS } from "../../lib/engines/zeroscale/defaults.js";
import { GatewayMetrics } from "./observability.js";
import { UsageMeter } from "./usage.js";
import { ActivationError, FunctionPool, type PoolEvent, type PoolInstance } from "./pool.js";
import { createAgent, type ForwardRequest, forward } from "./proxy.js";
import { Router } from "./router.js";
import { type Deliver, Scheduler } from "./schedules.js";
import { startAdmin } from "./admin.js";
import { startConnectors, type Connector } from "../connectors/index.js";
import { freePort, json, readBody } from "./http.js";

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
  readonly agent: Agent;
  /** Measures the ready instances' CPU and memory when the policy scales on cpu or memory. */
  readonly usage: UsageMeter | undefined;
  /** The queue backlog of the connectors delivering to it. */
  backlog?: () => number;
  last?: ScaleDecision;
  /** Usage probe of a cpu/memory function: not yet, under way, or done. */
  probe?: "running" | "done" | undefined;
  /** Why its cpu/memory metric cannot be measured on this runtime (it is then never scaled on it); undefined while it can. */
  unmeasurable?: string;
}

/** What `status()` reports per function. */
export interface FunctionStatus {
  readonly id: string;
  readonly name: string;
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
  /** Why the function cannot be scaled as declared (e.g. "cpu not measurable on this runtime: ..."); null when it can. */
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
  readonly log: Logger;
  private readonly fns = new Map<string, Fn>();
  private readonly router: Router;
  private server: Server | undefined;
  private admin: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private scheduler: Scheduler | undefined;
  private connectors: Connector[] = [];
  private readonly t0 = performance.now();
  private readonly wallClock: () => number;
  /** The engine the gateway runs. */
  readonly engine: EngineName;

  constructor(
    readonly graph: DeploymentGraph,
    private readonly options: GatewayOptions,
  ) {
    super();
    this.log = options.logger ?? pino({ level: "info" }, pino.destination(2));
    this.router = new Router(graph);
    this.wallClock = options.wallClock ?? Date.now;
    this.engine = options.engine ?? "zeroscale";
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
    this.scheduler = new Scheduler(this.graph.app.name, this.deliver);
    this.scheduler.start(triggers);
    this.connectors = await startConnectors(this.graph.app.name, triggers, this.deliver, this.log, (id) => {
      const f = this.fns.get(id);
      return f ? f.effective.maxInstances * f.node.concurrency : 1;
    });
    for (const c of this.connectors) {
      const fn = this.fns.get(c.target);
      if (fn) {
        const previous = fn.backlog;
        fn.backlog = () => (previous?.() ?? 0) + c.backlog();
      }
    }
    for (const fn of this.fns.values()) {
      const initial = fn.scaler.initialInstances;
      if (initial > 0) {
        fn.scaler.activated(this.now());
        fn.pool.scaleTo(initial);
      }
    }
    this.timer = setInterval(() => this.everySecond(), 1000);
    this.timer.unref();
    this.log.info({ url: this.url, admin: this.adminUrl, functions: this.fns.size }, "gateway started");
  }

  /** Stop schedules, connectors and listeners; drain and stop every instance. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.scheduler?.stop();
    await Promise.all(this.connectors.map((c) => c.stop()));
    // Stop accepting, let in-flight requests finish (idle keep-alive connections close now).
    const closed = new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeIdleConnections();
    await Promise.all([...this.fns.values()].map((f) => f.pool.close()));
    this.server?.closeAllConnections();
    await closed;
    for (const f of this.fns.values()) f.agent.destroy();
    const adminClosed = new Promise<void>((r) => (this.admin ? this.admin.close(() => r()) : r()));
    this.admin?.closeAllConnections(); // event streams included
    await adminClosed;
  }

  /** Per-function state, for the admin endpoint and the live view. */
  status(): FunctionStatus[] {
    return [...this.fns.values()].map((f) => ({
      id: f.node.id,
      name: f.node.name,
      instances: f.pool.counts(),
      inflight: f.pool.inflight,
      buffered: f.pool.buffered,
      desired: f.last?.desired ?? f.pool.active,
      last: f.last ?? null,
      effective: f.effective,
      coldStart: f.coldStart,
      cpuPercent: f.usage?.cpuPercent ?? null,
      memoryPercent: f.usage?.memoryPercent ?? null,
      error: f.unmeasurable ?? null,
    }));
  }

  /** Deliver an event (schedule, queue message) to a function, waking it if needed; resolves with the status code. */
  readonly deliver: Deliver = async (fnId, trigger, event) => {
    const fn = this.fns.get(fnId);
    if (!fn) return 404;
    const settle = fn.pool.arrive();
    let sent: { inst: PoolInstance; res: IncomingMessage };
    try {
      sent = await this.send(fn, { method: "POST", path: "/", headers: event.headers, body: event.body }, {}, "event", settle);
    } catch (e) {
      const status = e instanceof ActivationError ? e.status : 502;
      this.metrics.deliveries.inc({ trigger, outcome: e instanceof ActivationError ? "no-instance" : "failed" });
      this.log.warn({ trigger, fn: fnId, err: (e as Error).message }, "event not delivered");
      return status;
    }
    const { inst, res } = sent;
    try {
      res.resume();
      await new Promise((r) => res.on("end", r));
      const code = res.statusCode ?? 0;
      this.metrics.deliveries.inc({ trigger, outcome: code >= 200 && code < 300 ? "ok" : "failed" });
      return code;
    } catch (e) {
      this.metrics.deliveries.inc({ trigger, outcome: "failed" });
      this.log.warn({ trigger, fn: fnId, err: (e as Error).message }, "event delivery failed");
      return 502;
    } finally {
      fn.pool.release(inst);
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
      clock: () => this.now(),
      startTimeoutMs: this.options.startTimeoutMs ?? 60_000,
      allocatePort: freePort,
      env: this.instanceEnv(node),
      onEvent: (e) => this.onPoolEvent(e),
    });
    const metric = effective.metric.type;
    const usage = metric === "cpu" || metric === "memory" ? new UsageMeter(node, (e) => this.log.debug({ fn: node.id, err: e.message }, "usage not measured")) : undefined;
    const fn: Fn = { node, policy, pool, effective, coldStart, scaler, usage, agent: createAgent(node.concurrency) };
    // A request reached the function at zero: the engine says whether it wakes now (an activator
    // holds the request) or on its own next decision (a KEDA ScaledObject's poll).
    pool.onActivate = () => {
      if (scaler.activated(this.now())) {
        pool.scaleTo(Math.max(1, Math.min(effective.maxInstances, pool.active + 1)));
        this.log.info({ fn: node.id }, "activating from zero");
      } else {
        this.log.debug({ fn: node.id, engine: this.engine }, "at zero: wakes on the engine's next decision");
      }
    };
    this.fns.set(node.id, fn);
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
      }
      const level = e.state === "failed" || e.reason === "exited unexpectedly" ? "warn" : "info";
      this.log[level]({ fn: e.fn, instance: e.id, state: e.state, coldStartMs: e.coldStartMs, reason: e.reason }, "instance");
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
        concurrency: f.pool.demand.takeAverage(Date.now()), // time-weighted in-flight + buffered over the last second
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
      const observed = f.scaler.observe(sample, counts.ready, f.pool.active);
      if (!observed) continue;
      const decision = f.unmeasurable ? { ...observed, reason: `${f.unmeasurable} (${observed.reason})` } : observed;
      this.metrics.desired.set({ function: f.node.id }, decision.desired);
      if (decision.desired !== f.pool.active) {
        this.log.info({ fn: f.node.id, from: f.pool.active, to: decision.desired, reason: decision.reason }, "scale");
        f.pool.scaleTo(decision.desired);
      }
      // Emit when the count or the kind of reason changes (not for every tick of a countdown or a moving average).
      const changed = f.last?.desired !== decision.desired || reasonKind(f.last?.reason) !== reasonKind(decision.reason);
      f.last = decision;
      if (changed) this.emit("decision", decision);
    }
  }

  private listen(): Promise<void> {
    const server = createServer({ maxHeaderSize: this.options.maxHeaderBytes ?? 16 * 1024, requestTimeout: 0 }, (req, res) => void this.handle(req, res));
    server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\n${status}\n`);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 3000, this.options.host ?? "127.0.0.1", () => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? "/";
    const path = url.split("?")[0] as string;
    const match = this.router.match(req.method ?? "GET", req.headers.host, path);
    if (!("route" in match)) {
      req.resume();
      const body = match.status === 404
        ? { error: `no route for ${req.method} ${path}`, routes: this.router.routes.map((r) => `${r.methods.length ? r.methods.join(",") : "*"} ${r.host ?? ""}${r.path}`) }
        : { error: `${req.method} is not allowed on ${path}`, allowed: match.allowed };
      return json(res, match.status, body, match.status === 405 ? { allow: (match.allowed ?? []).join(", ") } : {});
    }
    const fn = this.fns.get(match.route.fn) as Fn;
    const fnId = fn.node.id;
    const finish = (code: number) => {
      this.metrics.requestsFor(fnId, code).inc();
      this.metrics.latencyFor(fnId).observe((performance.now() - started) / 1000);
    };
    // Counted once, now, and in flight while its body arrives (a slow upload keeps the function up).
    const settle = fn.pool.arrive();
    try {
      await this.serve(fn, req, res, url, finish, settle);
    } finally {
      settle();
    }
  }

  private async serve(fn: Fn, req: IncomingMessage, res: ServerResponse, url: string, finish: (code: number) => void, settle: () => void): Promise<void> {
    const fnId = fn.node.id;
    const body = await readBody(req, this.options.maxBodyBytes ?? 10 * 2 ** 20);
    if (body === "too-large") {
      finish(413);
      return json(res, 413, { error: `request body over ${this.options.maxBodyBytes ?? 10 * 2 ** 20} bytes`, function: fnId }, { connection: "close" });
    }
    if (body === "aborted") return;
    let sent: { inst: PoolInstance; res: IncomingMessage };
    try {
      const extra = {
        "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1",
        "x-forwarded-host": req.headers.host ?? "",
        "x-forwarded-proto": "http",
      };
      sent = await this.send(fn, { method: req.method ?? "GET", path: url, headers: req.headers, body }, extra, "request", settle);
    } catch (e) {
      if (e instanceof ActivationError) {
        finish(e.status);
        return json(res, e.status, { error: e.message, function: fnId }, { "retry-after": e.status === 503 ? "1" : "5" });
      }
      const err = e as NodeJS.ErrnoException;
      const status = err.code === "ZS_TIMEOUT" ? 504 : 502;
      finish(status);
      const message = status === 504 ? `${fnId} did not answer within its timeout (${fn.node.timeoutSeconds}s)` : `the instance of ${fnId} failed before answering (${err.code ?? err.message})`;
      return json(res, status, { error: message, function: fnId });
    }
    const { inst, res: upstream } = sent;
    try {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
      await new Promise<void>((resolve) => {
        upstream.on("end", resolve);
        upstream.on("error", () => {
          res.destroy();
          resolve();
        });
        res.on("close", resolve);
      });
      finish(upstream.statusCode ?? 502);
    } finally {
      fn.pool.release(inst);
    }
  }

  /**
   * Acquire an instance and forward; an instance that refuses or resets a connection is evicted; a
   * refused request (it never reached the instance) goes to another one, up to 3 times. The caller
   * releases the returned instance when the response is done. `settle` (from `pool.arrive`) is
   * called once the first acquire has taken over the request's place in flight.
   */
  private async send(fn: Fn, request: ForwardRequest, extra: Record<string, string>, kind: "request" | "event", settle: () => void): Promise<{ inst: PoolInstance; res: IncomingMessage }> {
    for (let attempt = 1; ; attempt++) {
      const acquired = fn.pool.acquire(kind);
      settle(); // idempotent: only the first attempt's counts
      const inst = await acquired;
      try {
        return { inst, res: await forward(fn.agent, inst.host, inst.port, request, fn.node.timeoutSeconds * 1000, extra) };
      } catch (e) {
        fn.pool.release(inst);
        const code = (e as NodeJS.ErrnoException).code;
        // A healthy instance neither refuses nor resets connections: take it out of rotation. Only a
        // refused connection is retried: the request never reached the instance. After a reset it may
        // have, so that request gets its 502.
        if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE") fn.pool.evict(inst, `connection ${code === "ECONNREFUSED" ? "refused" : "reset"}`);
        if (code !== "ECONNREFUSED" || attempt >= 3) throw e;
      }
    }
  }
}

function reasonKind(reason: string | undefined): string | undefined {
  return reason?.replace(/\d+(\.\d+)?/g, "#");
}
