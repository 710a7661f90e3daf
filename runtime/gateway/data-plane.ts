import type { Agent, IncomingMessage } from "node:http";
import type { Route } from "./router.js";
import { createAgent, type ForwardRequest, type Forwarded, forward } from "./proxy.js";

/** Where one instance is reached. */
export interface Endpoint {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/** What a data plane reports about one function. */
export interface DataPlaneStats {
  /** Requests forwarded and not yet answered (or aborted), per instance id. */
  readonly inflight: Readonly<Record<string, number>>;
  /** Requests forwarded since the start. */
  readonly forwarded: number;
  /** Forwards that failed (refused, reset, timed out). */
  readonly failed: number;
}

/** Options of one forward. */
export interface ForwardOptions {
  readonly timeoutMs: number;
  readonly extraHeaders: Record<string, string>;
  /** Aborts the forward (the client left): the upstream request and its connection are destroyed. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * The data plane: what carries requests to instances, behind the gateway's control plane (pools,
 * the scale controller, the activator buffer). The control plane tells it the routes, each
 * function's instances and which one drains, and reads its stats; the Node proxy below implements
 * it in-process, and another data plane (e.g. an Envoy fed over xDS) could be put behind the same
 * control plane.
 */
export interface DataPlane {
  /** The HTTP routes (host, path prefix, methods -> function). */
  setRoutes(routes: readonly Route[]): void;
  /** A function's instances that may carry traffic (ready and draining ones). */
  setInstances(fn: string, endpoints: readonly Endpoint[]): void;
  /** Send no new connection to this instance; its in-flight requests finish. */
  drain(fn: string, instanceId: string): void;
  stats(fn: string): DataPlaneStats;
  /** Forward one request to one instance, once (never retried here). */
  forward(fn: string, endpoint: Endpoint, request: ForwardRequest, options: ForwardOptions): Promise<Forwarded>;
  /** Release every connection. */
  close(): void;
}

interface FnState {
  readonly agents: Map<string, { agent: Agent; endpoint: Endpoint; inflight: number; draining: boolean }>;
  forwarded: number;
  failed: number;
}

/**
 * The Node data plane: one keep-alive agent per instance (at most `concurrency` sockets each), so a
 * drained or removed instance's connections are closed on their own and a client that leaves frees
 * its instance's socket at once.
 */
export class NodeDataPlane implements DataPlane {
  private routes: readonly Route[] = [];
  private readonly fns = new Map<string, FnState>();

  constructor(private readonly concurrencyOf: (fn: string) => number) {}

  get routeTable(): readonly Route[] {
    return this.routes;
  }

  setRoutes(routes: readonly Route[]): void {
    this.routes = routes;
  }

  setInstances(fn: string, endpoints: readonly Endpoint[]): void {
    const s = this.state(fn);
    const keep = new Set(endpoints.map((e) => e.id));
    for (const [id, a] of s.agents) {
      if (!keep.has(id)) {
        a.agent.destroy();
        s.agents.delete(id);
      }
    }
    for (const e of endpoints) if (!s.agents.has(e.id)) s.agents.set(e.id, { agent: createAgent(this.concurrencyOf(fn)), endpoint: e, inflight: 0, draining: false });
  }

  drain(fn: string, instanceId: string): void {
    const a = this.fns.get(fn)?.agents.get(instanceId);
    if (!a) return;
    a.draining = true;
    // Idle pooled sockets close now; busy ones close when their response ends (no keep-alive reuse).
    for (const list of Object.values(a.agent.freeSockets)) for (const socket of list ?? []) socket.destroy();
  }

  stats(fn: string): DataPlaneStats {
    const s = this.fns.get(fn);
    const inflight: Record<string, number> = {};
    for (const [id, a] of s?.agents ?? []) inflight[id] = a.inflight;
    return { inflight, forwarded: s?.forwarded ?? 0, failed: s?.failed ?? 0 };
  }

  async forward(fn: string, endpoint: Endpoint, request: ForwardRequest, options: ForwardOptions): Promise<Forwarded> {
    const s = this.state(fn);
    let a = s.agents.get(endpoint.id);
    if (!a) {
      a = { agent: createAgent(this.concurrencyOf(fn)), endpoint, inflight: 0, draining: false };
      s.agents.set(endpoint.id, a);
    }
    const entry = a;
    s.forwarded++;
    entry.inflight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      entry.inflight--;
      if (entry.draining) for (const list of Object.values(entry.agent.freeSockets)) for (const socket of list ?? []) socket.destroy();
    };
    try {
      const f = await forward(entry.agent, endpoint.host, endpoint.port, request, options.timeoutMs, options.extraHeaders, options.signal);
      const res: IncomingMessage = f.res;
      res.once("close", finish);
      return { res, abort: () => (f.abort(), finish()) };
    } catch (e) {
      s.failed++;
      finish();
      throw e;
    }
  }

  close(): void {
    for (const s of this.fns.values()) for (const a of s.agents.values()) a.agent.destroy();
    this.fns.clear();
  }

  private state(fn: string): FnState {
    let s = this.fns.get(fn);
    if (!s) {
      s = { agents: new Map(), forwarded: 0, failed: 0 };
      this.fns.set(fn, s);
    }
    return s;
  }
}
