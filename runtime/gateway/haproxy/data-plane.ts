import { performance } from "node:perf_hooks";
import {
  type DataPlane,
  type DataPlaneFunction,
  type DataPlaneLoad,
  type DataPlaneRequest,
  type DataPlaneStart,
  type DataPlaneStats,
  type Endpoint,
  type ForwardOptions,
  NodeDataPlane,
} from "../data-plane.js";
import type { EdgeLimits } from "../edge.js";
import { freePort } from "../http.js";
import type { Forwarded, ForwardRequest } from "../proxy.js";
import type { Route } from "../router.js";
import { ACTIVATOR_SERVER, backendName, FRONTEND, haproxyConfig, type SlotConfig, slotName, sortRoutes } from "./config.js";
import { LogReceiver } from "./log.js";
import { HaproxyProcess } from "./process.js";
import { parseShowStat } from "./runtime-api.js";
import { LoadSampler } from "./stats.js";

/** Options of a {@link HaproxyDataPlane}. */
export interface HaproxyDataPlaneOptions {
  /** The gateway's edge limits: timeouts, maxConnections, maxBodyBytes, maxHeaderBytes. */
  readonly limits: EdgeLimits;
  /** The user's Host allow-list, without the routes' hosts (the config adds those); undefined = every host. */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Concurrency of a function, for the Node data plane behind forward() (the activator path). */
  readonly concurrencyOf: (fn: string) => number;
  /** The control plane's clock, ms (DataPlaneLoad.idleSinceMs is on it). @default performance.now */
  readonly now?: () => number;
  /** The haproxy binary. @default `haproxy` on PATH, else /usr/sbin/haproxy */
  readonly binary?: string | undefined;
  /** @default 1 */
  readonly nbthread?: number;
  /** Log 1 request in N over UDP (1 = every one, 0 = none). @default 1 */
  readonly requestLogSample?: number;
  /** How often `show stat` is sampled, ms. @default 100 */
  readonly samplePeriodMs?: number;
  /** Backend connect timeout, ms. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Where problems are told (a failed runtime API command, a failed reload). */
  readonly log?: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
}

interface Slot {
  instance: string | undefined;
  config: SlotConfig;
}

interface FnSlots {
  readonly fn: DataPlaneFunction;
  readonly backend: string;
  readonly slots: Slot[];
  /** Instances quiesced (in maintenance, slot freed) that the pool has not removed yet: never given a slot again. */
  readonly retired: Set<string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The HAProxy data plane: HAProxy faces clients (routes, edge limits, one backend per function with
 * `maxconn`-bounded slots, its queue as the buffer) and sends what it cannot place to the activator
 * (the gateway's own server, a backup server), whose requests go through the Node data plane
 * (`forward`). Instances are put in and out of slots over the runtime API; only a route change
 * reloads HAProxy. See docs/data-plane.md.
 */
export class HaproxyDataPlane implements DataPlane {
  private routes: readonly Route[] = [];
  private routeKey = "";
  private readonly node: NodeDataPlane;
  private readonly fns = new Map<string, FnSlots>();
  private readonly byBackend = new Map<string, string>();
  private readonly listeners = new Set<(r: DataPlaneRequest) => void>();
  private proc: HaproxyProcess | undefined;
  private sampler: LoadSampler | undefined;
  private logs: LogReceiver | undefined;
  private started: DataPlaneStart | undefined;
  private publicPort = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  /** Early setInstances calls (before start), replayed at start. */
  private readonly pending = new Map<string, readonly Endpoint[]>();

  constructor(private readonly o: HaproxyDataPlaneOptions) {
    this.node = new NodeDataPlane(o.concurrencyOf);
    this.now = o.now ?? (() => performance.now());
  }

  /** The master's pid while HAProxy runs. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** The current worker's pid (`show info`). */
  workerPid(): Promise<number> {
    if (!this.proc) throw new Error("the HAProxy data plane is not started");
    return this.proc.workerPid();
  }

  /** Resolves when every runtime API command and reload asked for so far is done. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** HAProxy's process (its runtime API, its output), once started. */
  get process(): HaproxyProcess | undefined {
    return this.proc;
  }

  async start(o: DataPlaneStart): Promise<{ url: string }> {
    if (this.started) throw new Error("the HAProxy data plane is started already");
    for (const f of o.functions) {
      const backend = backendName(f.id);
      this.fns.set(f.id, { fn: f, backend, slots: Array.from({ length: f.slots }, () => ({ instance: undefined, config: { host: "127.0.0.1", port: 1, state: "maint" } })), retired: new Set() });
      this.byBackend.set(backend, f.id);
    }
    for (const [fn, endpoints] of this.pending) this.assign(fn, endpoints);
    this.pending.clear();
    const proc = new HaproxyProcess({ binary: this.o.binary });
    const sample = this.o.requestLogSample ?? 1;
    try {
      await proc.prepare();
      this.proc = proc;
      if (sample > 0) {
        this.logs = new LogReceiver();
        this.logs.onLine((line) => {
          const fn = line.backend === FRONTEND ? undefined : this.byBackend.get(line.backend);
          const r: DataPlaneRequest = { fn, status: line.status, ms: line.ms, method: line.method, path: line.path, viaActivator: line.server === ACTIVATOR_SERVER };
          for (const l of this.listeners) l(r);
        });
      }
      this.publicPort = o.publicPort === 0 ? await freePort() : o.publicPort;
      this.started = o;
      const logPort = this.logs ? await this.logs.start() : undefined;
      this.logPort = logPort;
      await proc.start(this.config());
      const api = proc.api;
      this.sampler = new LoadSampler({
        read: async () => parseShowStat(await api.command("show stat -1 6 -1")),
        clock: {
          now: this.now,
          every: (fn, ms) => {
            const t = setInterval(fn, ms);
            t.unref();
            return () => clearInterval(t);
          },
        },
        periodMs: this.o.samplePeriodMs ?? 100,
        exclude: ACTIVATOR_SERVER,
        onError: (e) => this.o.log?.debug({ err: e.message }, "haproxy stats not sampled"),
      });
      await this.sampler.poll(); // the baseline: what came before the start is history
      this.sampler.start();
    } catch (e) {
      await this.close();
      throw e;
    }
    const shown = o.publicHost === "0.0.0.0" || o.publicHost === "::" ? "127.0.0.1" : o.publicHost.includes(":") ? `[${o.publicHost}]` : o.publicHost;
    return { url: `http://${shown}:${this.publicPort}` };
  }

  private logPort: number | undefined;

  /** The config for the current routes and slots. */
  config(): string {
    const o = this.started;
    if (!o || !this.proc) throw new Error("the HAProxy data plane is not started");
    const slotStates: Record<string, SlotConfig[]> = {};
    for (const [id, s] of this.fns) slotStates[id] = s.slots.map((x) => x.config);
    const sample = this.o.requestLogSample ?? 1;
    return haproxyConfig({
      publicHost: o.publicHost,
      publicPort: this.publicPort,
      activator: o.activator,
      functions: o.functions,
      routes: this.routes,
      limits: this.o.limits,
      allowedHosts: this.o.allowedHosts,
      statsSocket: this.proc.statsSocket,
      log: this.logPort !== undefined ? { port: this.logPort, sample } : undefined,
      nbthread: this.o.nbthread,
      connectTimeoutMs: this.o.connectTimeoutMs,
      slotStates,
    });
  }

  onRequest(listener: (r: DataPlaneRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setRoutes(routes: readonly Route[]): void {
    const key = JSON.stringify(sortRoutes(routes));
    this.node.setRoutes(routes);
    if (key === this.routeKey) return;
    this.routes = routes;
    this.routeKey = key;
    if (!this.started) return;
    this.enqueue("reload", async () => {
      const proc = this.proc as HaproxyProcess;
      await proc.reload(this.config());
      // The config carried each slot's address and state; drain is only weight 0 there: say it exactly.
      await proc.api.commands(this.slotCommands());
    });
  }

  setInstances(fn: string, endpoints: readonly Endpoint[]): void {
    this.node.setInstances(fn, endpoints);
    if (!this.started) {
      this.pending.set(fn, endpoints);
      return;
    }
    const cmds = this.assign(fn, endpoints);
    if (cmds.length > 0) this.enqueue(`instances of ${fn}`, () => (this.proc as HaproxyProcess).api.commands(cmds).then(() => undefined));
  }

  /** Put `endpoints` in slots (new ones in free slots, gone ones in maintenance); the runtime API commands for it. */
  private assign(fn: string, endpoints: readonly Endpoint[]): string[] {
    const s = this.fns.get(fn);
    if (!s) throw new Error(`the HAProxy data plane has no function ${fn}`);
    const ids = new Set(endpoints.map((e) => e.id));
    for (const id of s.retired) if (!ids.has(id)) s.retired.delete(id);
    const wanted = endpoints.filter((e) => !s.retired.has(e.id));
    const placed = new Set(s.slots.map((x) => x.instance).filter((x): x is string => x !== undefined));
    const fresh = wanted.filter((e) => !placed.has(e.id));
    const freeing = s.slots.filter((x) => x.instance !== undefined && !ids.has(x.instance)).length;
    const free = s.slots.filter((x) => x.instance === undefined).length + freeing;
    if (fresh.length > free) throw new Error(`${fn} has ${s.slots.length} HAProxy server slots, too few for ${placed.size - freeing + fresh.length} instances (slots = the function's maxInstances)`);
    const cmds: string[] = [];
    s.slots.forEach((slot, k) => {
      if (slot.instance !== undefined && !ids.has(slot.instance)) {
        slot.instance = undefined;
        slot.config = { ...slot.config, state: "maint" };
        cmds.push(`set server ${s.backend}/${slotName(k)} state maint`);
      }
    });
    for (const e of fresh) {
      const k = s.slots.findIndex((x) => x.instance === undefined);
      const slot = s.slots[k] as Slot;
      slot.instance = e.id;
      slot.config = { host: e.host, port: e.port, state: "ready" };
      const name = `${s.backend}/${slotName(k)}`;
      cmds.push(`set server ${name} addr ${e.host} port ${e.port}`, `set server ${name} state ready`, `set server ${name} health up`);
    }
    return cmds;
  }

  /** Commands that put every slot in its recorded address and state (after a reload). */
  private slotCommands(): string[] {
    const cmds: string[] = [];
    for (const s of this.fns.values()) {
      s.slots.forEach((slot, k) => {
        const name = `${s.backend}/${slotName(k)}`;
        if (slot.instance !== undefined) cmds.push(`set server ${name} addr ${slot.config.host} port ${slot.config.port}`);
        cmds.push(`set server ${name} state ${slot.config.state}`);
        if (slot.config.state === "ready") cmds.push(`set server ${name} health up`);
      });
    }
    return cmds;
  }

  private slotOf(fn: string, instanceId: string): { s: FnSlots; k: number } | undefined {
    const s = this.fns.get(fn);
    const k = s?.slots.findIndex((x) => x.instance === instanceId) ?? -1;
    return s && k >= 0 ? { s, k } : undefined;
  }

  drain(fn: string, instanceId: string): void {
    this.node.drain(fn, instanceId);
    const at = this.slotOf(fn, instanceId);
    if (!at) return;
    const slot = at.s.slots[at.k] as Slot;
    slot.config = { ...slot.config, state: "drain" };
    if (this.started) this.enqueue(`drain ${instanceId}`, () => (this.proc as HaproxyProcess).api.command(`set server ${at.s.backend}/${slotName(at.k)} state drain`).then(() => undefined));
  }

  async quiesced(fn: string, instanceId: string): Promise<void> {
    const at = this.slotOf(fn, instanceId);
    if (!at || !this.started || !this.sampler) return;
    await this.chain; // the drain has reached HAProxy
    const { s, k } = at;
    const name = slotName(k);
    const since = this.now();
    const bound = since + s.fn.timeoutMs + s.fn.queueTimeoutMs + 5000;
    const period = this.o.samplePeriodMs ?? 100;
    for (;;) {
      const latest = this.sampler.latest(s.backend);
      const fresh = latest.at !== undefined && latest.at > since;
      const nodeBusy = this.node.stats(fn).inflight[instanceId] ?? 0;
      if (fresh && (latest.scur.get(name) ?? 0) === 0 && nodeBusy === 0 && (await this.oldWorkersIdle(s.backend, name))) break;
      if (this.now() > bound) {
        this.o.log?.warn({ fn, instance: instanceId }, "requests still in flight on a draining instance past its timeout: put in maintenance anyway");
        break;
      }
      if (!this.started) return;
      await sleep(period);
    }
    const slot = s.slots[k] as Slot;
    if (slot.instance !== instanceId) return;
    slot.instance = undefined;
    slot.config = { ...slot.config, state: "maint" };
    s.retired.add(instanceId);
    this.enqueue(`maint ${instanceId}`, () => (this.proc as HaproxyProcess).api.command(`set server ${s.backend}/${name} state maint`).then(() => undefined));
    await this.chain;
  }

  /** Whether the workers still finishing after a reload carry nothing on that server (the master CLI's `@!<pid>`). */
  private async oldWorkersIdle(backend: string, server: string): Promise<boolean> {
    const proc = this.proc;
    if (!proc) return true;
    try {
      for (const pid of await proc.oldWorkers()) {
        const rows = parseShowStat(await proc.master.command(`@!${pid} show stat ${backend} 4 -1`));
        if (rows.some((r) => r.svname === server && r.scur > 0)) return false;
      }
    } catch (e) {
      this.o.log?.debug({ err: (e as Error).message }, "old haproxy workers not read");
      return false; // asked again at the next poll (quiesced is bounded)
    }
    return true;
  }

  stats(fn: string): DataPlaneStats {
    const base = this.node.stats(fn);
    const s = this.fns.get(fn);
    if (!s || !this.sampler) return base;
    const latest = this.sampler.latest(s.backend);
    const inflight: Record<string, number> = { ...base.inflight };
    let carried = 0;
    s.slots.forEach((slot, k) => {
      const n = latest.scur.get(slotName(k)) ?? 0;
      carried += n;
      if (slot.instance !== undefined) inflight[slot.instance] = (inflight[slot.instance] ?? 0) + n;
    });
    return { ...base, inflight, carried: { inflight: carried, queued: latest.qcur } };
  }

  takeLoad(fn: string): DataPlaneLoad {
    const s = this.fns.get(fn);
    if (!s || !this.sampler) return { concurrency: 0, arrivals: 0, inflight: 0, idleSinceMs: undefined };
    return this.sampler.take(s.backend);
  }

  forward(fn: string, endpoint: Endpoint, request: ForwardRequest, options: ForwardOptions): Promise<Forwarded> {
    return this.node.forward(fn, endpoint, request, options);
  }

  private enqueue(what: string, task: () => Promise<unknown>): void {
    this.chain = this.chain
      .then(task)
      .then(() => undefined)
      .catch((e: unknown) => this.o.log?.warn({ err: (e as Error).message }, `haproxy: ${what} failed`));
  }

  async close(): Promise<void> {
    this.sampler?.stop();
    this.sampler = undefined;
    await this.chain;
    this.started = undefined;
    await this.proc?.stop();
    this.proc = undefined;
    await this.logs?.close();
    this.logs = undefined;
    this.node.close();
  }
}
