/**
 * The web console's endpoints on the admin listener (which checks the loopback Host first):
 *   GET  /, /console/<file>   the page and its assets (runtime/console, vendored uPlot and dagre)
 *   GET  /graph               the deployment graph (JSON)
 *   GET  /live?since=&vcpuSecond=&gibSecond=&fixed=
 *                             { functions: FunctionLiveStats[], status, triggers, cost: CostReport[] (prices
 *                             from the query, else DEFAULT_PRICES), samples: instance samples after `since` }
 *   GET  /requests?fn=&limit=, /logs?fn=&q=&limit=, /timeline   the ring buffers
 *   POST /actions/<invoke|fire|publish|scale-to-zero>   JSON body; content-type application/json required
 *                             (a cross-site form cannot send it without a preflight), else 400
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DeploymentGraph, FunctionNode } from "../../lib/index.js";
import { costReport, DEFAULT_PRICES, memoryGiBOf, type Prices, vcpuOf } from "../../lib/cost/index.js";
import type { EngineName } from "../../lib/vocabulary.js";
import { ACTIONS, ActionError, type ActionHost } from "../gateway/actions.js";
import type { FunctionStatus } from "../gateway/gateway.js";
import type { TriggerDeliveryStats } from "../gateway/events.js";
import type { InstanceSample, LiveStats } from "../gateway/stats.js";
import { Ring } from "../gateway/stats.js";
import { consoleAsset } from "./assets.js";

/** What the console's endpoints read from the gateway. */
export interface ConsoleHost extends ActionHost {
  readonly graph: DeploymentGraph;
  readonly live: LiveStats;
  readonly engine: EngineName;
  status(): FunctionStatus[];
  deliveryStats(): TriggerDeliveryStats[];
}

/** One entry of the scaling/instance timeline (GET /timeline and the page's history on load). */
export interface TimelineEntry {
  readonly type: "decision" | "instance";
  /** ms since the epoch. */
  readonly at: number;
  readonly data: unknown;
}

/** Largest JSON body an action takes, bytes. */
export const ACTION_BODY_MAX = 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(`${JSON.stringify(body)}\n`);
}

function int(v: string | null, fallback: number, max: number): number {
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
}

/** The prices of a /live query: each given field replaces the default (a bad number is a 400). */
export function pricesOf(q: URLSearchParams): { prices: Prices; fixed: number } {
  const read = (k: string) => {
    const v = q.get(k);
    if (v === null || v === "") return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new ActionError(400, `"${k}" must be a number >= 0, not ${JSON.stringify(v)}`);
    return n;
  };
  const vcpuSecond = read("vcpuSecond");
  const gibSecond = read("gibSecond");
  const fixed = read("fixed");
  const custom = vcpuSecond !== undefined || gibSecond !== undefined;
  const prices: Prices = custom ? { ...DEFAULT_PRICES, vcpuSecond: vcpuSecond ?? DEFAULT_PRICES.vcpuSecond, gibSecond: gibSecond ?? DEFAULT_PRICES.gibSecond, source: "prices given in the console" } : DEFAULT_PRICES;
  return { prices, fixed: fixed === undefined ? 1 : Math.floor(fixed) };
}

/** GET /live's body. */
export function liveOf(host: ConsoleHost, q: URLSearchParams) {
  const { prices, fixed } = pricesOf(q);
  const since = Number(q.get("since") ?? "0") || 0;
  const functions = host.live.snapshot();
  const byFn = new Map(functions.map((f) => [f.fn, f]));
  const status = host.status();
  const elapsed = host.live.elapsedSeconds();
  const nodes = host.graph.nodes.filter((n): n is FunctionNode => n.kind === "function");
  const cost = nodes.map((n) => {
    const st = status.find((s) => s.id === n.id);
    return costReport({ fn: n.id, vcpu: vcpuOf(n.cpu), memoryGiB: memoryGiBOf(n.memory), instanceSeconds: byFn.get(n.id)?.instanceSeconds ?? 0, maxInstances: st?.effective.maxInstances ?? 1 }, elapsed, prices, fixed);
  });
  const samples: Record<string, InstanceSample[]> = {};
  for (const n of nodes) samples[n.id] = host.live.samples(n.id).filter((s) => s.at > since);
  return { app: host.graph.app.name, engine: host.engine, url: host.url, startedAt: host.live.startedAt, elapsedSeconds: elapsed, prices: { ...DEFAULT_PRICES }, pricesUsed: prices, functions, status, triggers: host.deliveryStats(), cost, samples };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    req.resume();
    throw new ActionError(400, `actions take a JSON body: send content-type application/json (got ${JSON.stringify(req.headers["content-type"] ?? "none")})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > ACTION_BODY_MAX) throw new ActionError(400, `the action's body is over ${ACTION_BODY_MAX} bytes`);
    chunks.push(c);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch (e) {
    throw new ActionError(400, `the body is not JSON: ${(e as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ActionError(400, "the body must be a JSON object");
  return body as Record<string, unknown>;
}

/**
 * Serve the console's endpoints; resolves false when `path` is not one of them (the admin listener
 * answers it). `timeline` is the admin listener's ring of decisions and instance events.
 */
export async function handleConsole(host: ConsoleHost, timeline: Ring<TimelineEntry>, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
  const method = req.method ?? "GET";
  try {
    if (path.startsWith("/actions/")) {
      const act = ACTIONS[path.slice("/actions/".length)];
      if (!act) return (send(res, 404, { error: `no action ${path}`, actions: Object.keys(ACTIONS).map((a) => `/actions/${a}`) }), true);
      if (method !== "POST") {
        req.resume();
        res.setHeader("allow", "POST");
        return (send(res, 405, { error: `${path} takes POST with a JSON body` }), true);
      }
      // Defence in depth beside the JSON content type (which makes a browser preflight): a request a
      // browser sends from another origin says so, and is refused.
      const origin = req.headers.origin;
      const port = (req.socket.localPort ?? 0).toString();
      if (origin !== undefined && !["127.0.0.1", "localhost", "[::1]"].some((h) => origin === `http://${h}:${port}`)) {
        req.resume();
        return (send(res, 403, { error: `actions are refused from origin ${JSON.stringify(origin)}: only the console itself (http://127.0.0.1:${port}) may send them` }), true);
      }
      send(res, 200, await act(host, await readJson(req)));
      return true;
    }
    if (method !== "GET" && method !== "HEAD") return false;
    if (path === "/" || path === "/console" || path === "/console/" || path.startsWith("/console/")) {
      const name = path === "/" || path === "/console" || path === "/console/" ? "index.html" : path.slice("/console/".length);
      const asset = consoleAsset(name);
      if (!asset) return (send(res, 404, { error: name === "index.html" ? "the web console's files are not in this build (the Docker gateway image has no console; use zeroscale dev)" : `no console file ${name}` }), true);
      res.writeHead(200, { "content-type": asset.type, "cache-control": "no-cache", "x-content-type-options": "nosniff", "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'" });
      res.end(method === "HEAD" ? undefined : asset.body);
      return true;
    }
    switch (path) {
      case "/graph":
        return (send(res, 200, host.graph), true);
      case "/live":
        return (send(res, 200, liveOf(host, query)), true);
      case "/requests": {
        const fn = query.get("fn");
        const limit = int(query.get("limit"), 100, 1000);
        const all = host.live.recentRequests().filter((r) => !fn || r.fn === fn);
        return (send(res, 200, { requests: all.slice(Math.max(0, all.length - limit)) }), true);
      }
      case "/logs": {
        const fn = query.get("fn");
        const q = (query.get("q") ?? "").toLowerCase();
        const limit = int(query.get("limit"), 100, 1000);
        const all = host.live.recentLogs().filter((l) => (!fn || l.fn === fn) && (!q || l.line.toLowerCase().includes(q)));
        return (send(res, 200, { logs: all.slice(Math.max(0, all.length - limit)) }), true);
      }
      case "/timeline":
        return (send(res, 200, { events: timeline.all() }), true);
      default:
        return false;
    }
  } catch (e) {
    if (e instanceof ActionError) send(res, e.status, { error: e.message });
    else {
      host.log.error({ path, err: (e as Error).message }, "admin console endpoint failed");
      send(res, 500, { error: (e as Error).message });
    }
    return true;
  }
}

/** The console endpoints (for the admin listener's 404 list). */
export const CONSOLE_ENDPOINTS = ["/", "/console/", "/graph", "/live", "/requests", "/logs", "/timeline", ...Object.keys(ACTIONS).map((a) => `/actions/${a}`)];
