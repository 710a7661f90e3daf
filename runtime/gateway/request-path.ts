import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import type { DataPlane } from "./data-plane.js";
import { type DispatchTarget, dispatch } from "./dispatch.js";
import { applyEdgeLimits, checkRequest, EDGE_DRAIN_BYTES, type EdgeLimits, serverOptions } from "./edge.js";
import { headerProblem, stripHopByHop } from "./headers.js";
import { type BodyBudget, drainBody, json, readBoundedBody } from "./http.js";
import type { GatewayMetrics } from "./observability.js";
import type { Arrival } from "./pool.js";
import type { Router } from "./router.js";
import type { LiveStats } from "./stats.js";

/** What the request path needs of the gateway. */
export interface RequestPathContext {
  readonly limits: EdgeLimits;
  readonly bodies: BodyBudget;
  readonly allowedHosts: readonly string[] | undefined;
  readonly router: Router;
  /** The data plane in force (read per request: the gateway may replace it before it listens). */
  plane(): DataPlane;
  readonly metrics: GatewayMetrics;
  readonly live: LiveStats;
  readonly log: Logger;
  readonly retryIdempotent: boolean;
  /**
   * Behind a data plane that faces clients (HAProxy): this server is its activator, and the
   * X-Forwarded-For it sets (the client's address) is kept. What reaches this server is recorded
   * here; the data plane's request log records the rest (the gateway skips its activator lines).
   */
  behindPlane(): boolean;
  /** The function a route names. */
  fn(id: string): DispatchTarget | undefined;
}

/**
 * The gateway's own HTTP request path (the public server of the Node data plane, or the activator
 * behind HAProxy): the edge's checks, routing, the arrival counted by the pool, bounded bodies,
 * one dispatch, the response piped back, metrics and live stats.
 */
export class RequestPath {
  private refused: WeakSet<object> = new WeakSet();

  constructor(private readonly ctx: RequestPathContext) {}

  /** A server for this path with the edge limits applied (not listening yet). */
  server(): Server {
    const limits = this.ctx.limits;
    const server = createServer(serverOptions(limits), (req, res) => this.handleSafely(req, res));
    this.refused = applyEdgeLimits(server, limits).refused;
    // Expect: 100-continue with a body over the limit gets its 413 before the client sends the body.
    server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
      if (Number(req.headers["content-length"] ?? "0") > limits.maxBodyBytes) return json(res, 413, { error: `request body over ${limits.maxBodyBytes} bytes` }, { connection: "close" });
      res.writeContinue();
      this.handleSafely(req, res);
    });
    return server;
  }

  /** Handle one request; whatever goes wrong in it is logged and ends only that request, never the gateway. */
  private handleSafely(req: IncomingMessage, res: ServerResponse): void {
    const upstream: { abort?: () => void } = {};
    this.handle(req, res, upstream).catch((e: unknown) => {
      this.ctx.log.error({ err: (e as Error)?.message ?? String(e), method: req.method, url: req.url }, "request failed in the gateway");
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
    const ctx = this.ctx;
    if (this.refused.has(req.socket)) return void res.destroy(); // past the connection cap: already answered 503
    // One normalisation of the target, for routing and for what the function sees (edge.ts).
    const edge = checkRequest(req, ctx.allowedHosts, headerProblem(req));
    if (!edge.ok) {
      req.resume();
      return json(res, edge.status, { error: edge.error }, { connection: "close" });
    }
    const path = edge.path;
    const url = `${path}${edge.query}`;
    const match = ctx.router.match(req.method ?? "GET", edge.host, path);
    if (!("route" in match)) {
      req.resume();
      const body = match.status === 404
        ? { error: `no route for ${req.method} ${path}`, routes: ctx.router.routes.map((r) => `${r.methods.length ? r.methods.join(",") : "*"} ${r.host ?? ""}${r.path}`) }
        : { error: `${req.method} is not allowed on ${path}`, allowed: match.allowed };
      return json(res, match.status, body, match.status === 405 ? { allow: (match.allowed ?? []).join(", ") } : {});
    }
    const fn = ctx.fn(match.route.fn) as DispatchTarget;
    const fnId = fn.node.id;
    const cold = fn.pool.counts().ready === 0;
    const finish = (code: number) => {
      ctx.metrics.requestsFor(fnId, code).inc();
      ctx.metrics.latencyFor(fnId).observe((performance.now() - started) / 1000);
      ctx.live.request({ at: Date.now(), fn: fnId, method: req.method ?? "GET", path, status: code, ms: performance.now() - started, coldStart: cold });
    };
    // Counted once, now, and in flight while its body arrives (a slow upload keeps the function up).
    const arrival = fn.pool.arrive();
    try {
      await this.serve(fn, req, res, url, edge.host, finish, arrival, upstream);
    } finally {
      arrival.settle();
      ctx.bodies.release(req); // its body is no longer held
    }
  }

  private async serve(fn: DispatchTarget, req: IncomingMessage, res: ServerResponse, url: string, host: string | undefined, finish: (code: number) => void, arrival: Arrival, held: { abort?: () => void }): Promise<void> {
    const ctx = this.ctx;
    const fnId = fn.node.id;
    const body = await readBoundedBody(req, ctx.limits.maxBodyBytes, ctx.bodies);
    if (body === "too-large" || body === "over-budget") {
      // Read (and discard, bounded) the rest first, so a client still uploading sees the answer, not a reset.
      ctx.bodies.release(req);
      const drained = await drainBody(req, EDGE_DRAIN_BYTES);
      const status = body === "too-large" ? 413 : 503;
      finish(status);
      const error = status === 413 ? `request body over ${ctx.limits.maxBodyBytes} bytes` : `the gateway holds ${ctx.limits.maxBufferedBytes} bytes of request bodies already; retry shortly`;
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
    // Behind HAProxy the client's address is the one it forwarded (the socket here is HAProxy's).
    const forwardedFor = ctx.behindPlane() ? req.headers["x-forwarded-for"] : undefined;
    const extra = {
      "x-forwarded-for": typeof forwardedFor === "string" && forwardedFor !== "" ? forwardedFor : (req.socket.remoteAddress ?? "127.0.0.1"),
      "x-forwarded-host": host ?? "",
      "x-forwarded-proto": "http",
    };
    const headers = { ...stripHopByHop(req.headers), ...(host !== undefined ? { host } : {}) };
    const out = await dispatch(fn, ctx.plane(), { method: req.method ?? "GET", path: url, headers, body }, { kind: "request", extraHeaders: extra, arrival, signal: gone.signal, retryIdempotent: ctx.retryIdempotent });
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
