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
  /**
   * Requests this data plane carries itself now, beyond those the pool dispatched (HAProxy's direct
   * traffic): in flight on instances, and waiting in its own queue. Absent (the Node plane): none.
   */
  readonly carried?: { readonly inflight: number; readonly queued: number };
}

/** One function as a data plane that faces clients sets it up. */
export interface DataPlaneFunction {
  readonly id: string;
  /** Requests per instance at most. */
  readonly concurrency: number;
  /** Instance slots to provision (the effective maxInstances, at most 100). */
  readonly slots: number;
  /** Longest a request waits in the data plane's queue for a free instance, ms (the cold-start buffer's wait). */
  readonly queueTimeoutMs: number;
  /** Requests held in that queue at most (the cold-start buffer's size); Infinity = no bound. */
  readonly queueLimit: number;
  /** The function's timeout, ms. */
  readonly timeoutMs: number;
}

/** One answered request as a data plane that faces clients logs it (the gateway turns it into metrics and live stats). */
export interface DataPlaneRequest {
  /** The function id; undefined for what the data plane answered itself before routing (400, 403, 404, 405, 408...). */
  readonly fn: string | undefined;
  readonly status: number;
  /** Time from the request's arrival to its answer, ms. */
  readonly ms: number;
  readonly method: string;
  readonly path: string;
  /** It went to the activator (the gateway's own server), which records it itself. */
  readonly viaActivator: boolean;
}

/** What a data plane that faces clients is started with. */
export interface DataPlaneStart {
  /** The public address it binds (the gateway's `host` / `port`; port 0 = any free port). */
  readonly publicHost: string;
  readonly publicPort: number;
  /** The gateway's own server (the activator), where it sends what it cannot place on an instance. */
  readonly activator: { readonly host: string; readonly port: number };
  readonly functions: readonly DataPlaneFunction[];
}

/** The load a data plane carried itself since the last `takeLoad` (the gateway adds it to the pool's own). */
export interface DataPlaneLoad {
  /** Time-weighted in flight + queued over the interval. */
  readonly concurrency: number;
  /** Requests that arrived during the interval. */
  readonly arrivals: number;
  /** In flight + queued now. */
  readonly inflight: number;
  /** Control-plane clock ms when its carried in-flight count last became 0; undefined when never or busy now. */
  readonly idleSinceMs: number | undefined;
}

/** No load (the Node plane: the pool counts its own traffic). */
export const NO_LOAD: DataPlaneLoad = { concurrency: 0, arrivals: 0, inflight: 0, idleSinceMs: undefined };

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
  /**
   * Present when this data plane faces clients itself (HAProxy): it binds the public address and
   * sends what it cannot place on an instance to the activator (the gateway's own server); resolves
   * with its public URL. Absent (Node): the gateway's server faces clients.
   */
  start?(o: DataPlaneStart): Promise<{ url: string }>;
  /** With start(): each request it answered, from its request log (the gateway's metrics and live stats); returns an unsubscribe. */
  onRequest?(listener: (r: DataPlaneRequest) => void): () => void;
  /** The HTTP routes (host, path prefix, methods -> function). */
  setRoutes(routes: readonly Route[]): void;
  /** A function's instances that may carry traffic (ready and draining ones). */
  setInstances(fn: string, endpoints: readonly Endpoint[]): void;
  /** Send no new connection to this instance; its in-flight requests finish. */
  drain(fn: string, instanceId: string): void;
  stats(fn: string): DataPlaneStats;
  /** Forward one request to one instance, once (never retried here). */
  forward(fn: string, endpoint: Endpoint, request: ForwardRequest, options: ForwardOptions): Promise<Forwarded>;
  /** The load it carried itself since the last call, and reset (Node: none; the pool counts its own traffic). */
  takeLoad(fn: string): DataPlaneLoad;
  /**
   * Resolves once nothing of this data plane's own is in flight on a draining instance (HAProxy:
   * its server's `scur` is 0 and it is in maintenance); the pool stops the instance after. Node: at once.
   */
  quiesced(fn: string, instanceId: string): Promise<void>;
  /** Release every connection (and stop what it runs). */
  close(): void | Promise<void>;
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

  takeLoad(): DataPlaneLoad {
    return NO_LOAD;
  }

  quiesced(): Promise<void> {
    return Promise.resolve();
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
