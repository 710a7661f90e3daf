import type { IncomingMessage } from "node:http";
import type { FunctionNode } from "../../lib/index.js";
import { describeExit } from "../drivers/types.js";
import type { DataPlane } from "./data-plane.js";
import { ActivationError, type Arrival, ClientGoneError, type FunctionPool, type PoolInstance } from "./pool.js";
import { type ForwardRequest, ForwardError, IDEMPOTENT } from "./proxy.js";

/** What dispatch needs of a function. */
export interface DispatchTarget {
  readonly node: FunctionNode;
  readonly pool: FunctionPool;
}

export interface DispatchOptions {
  readonly kind: "request" | "event";
  readonly extraHeaders: Record<string, string>;
  /** The request's arrival (from `pool.arrive()`): settled once it asked for an instance, withdrawn if its client leaves first. */
  readonly arrival: Arrival;
  /** Aborted when the client leaves. */
  readonly signal?: AbortSignal | undefined;
  /** Retry an idempotent request (GET/HEAD/OPTIONS/PUT/DELETE) once after it may have reached an instance. @default false */
  readonly retryIdempotent?: boolean;
}

/** A response under way from an instance: pipe `res`, then `release()` (or `abort()` when the client left). */
export interface Dispatched {
  readonly ok: true;
  readonly inst: PoolInstance;
  readonly res: IncomingMessage;
  /** The client left: destroy the upstream request and its socket, and free the slot now. */
  abort(): void;
  /** The response is done: free the slot. Idempotent. */
  release(): void;
}

/** Why a request got no response: the status and message to answer with. */
export interface Undelivered {
  readonly ok: false;
  readonly status: number;
  readonly message: string;
  readonly retryAfterSeconds?: number;
  /** The client left before a response: answer nothing. */
  readonly clientGone?: boolean;
}

/** Connect errors that say the instance is not there (it is evicted); the rest of the undelivered ones are the gateway's. */
const INSTANCE_GONE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]);
/** The gateway's own resources ran out (descriptors, ephemeral ports, buffers, memory): a 503, the instance kept. */
const LOCAL = new Set(["EMFILE", "ENFILE", "EADDRNOTAVAIL", "ENOBUFS", "ENOMEM", "EADDRINUSE"]);

/**
 * What a connect error (nothing sent) says: "instance-gone" (evict it and try another), "local" (the
 * gateway's own limits: answer 503, keep the instance), or "other" (answer 502, keep the instance).
 */
export function connectFailure(code: string): "instance-gone" | "local" | "other" {
  return INSTANCE_GONE.has(code) ? "instance-gone" : LOCAL.has(code) ? "local" : "other";
}

/** How long to wait for an instance's exit after a reset, to name the crash. */
const EXIT_GRACE_MS = 300;

/**
 * The one dispatch path of HTTP requests and event deliveries: acquire an instance (waiting in the
 * activator's buffer), forward once, and classify a failure. At-most-once: a request is sent to
 * another instance only when it provably never reached one (a fresh connection refused, nothing
 * written); one that may have (any byte written, a reused keep-alive socket that failed) gets one
 * 502 naming the crash, unless it is idempotent and `retryIdempotent` is on (then retried once).
 */
export async function dispatch(target: DispatchTarget, plane: DataPlane, request: ForwardRequest, o: DispatchOptions): Promise<Dispatched | Undelivered> {
  const { node, pool } = target;
  const fnId = node.id;
  let retriedMaybe = false;
  for (let attempt = 1; ; attempt++) {
    let inst: PoolInstance;
    try {
      const acquired = pool.acquire(o.kind, o.signal);
      o.arrival.settle(); // idempotent: the acquire has taken over its place in flight
      inst = await acquired;
    } catch (e) {
      if (e instanceof ClientGoneError) {
        o.arrival.withdraw();
        return { ok: false, status: 499, message: e.message, clientGone: true };
      }
      if (e instanceof ActivationError) return { ok: false, status: e.status, message: e.message, retryAfterSeconds: e.retryAfterSeconds };
      throw e;
    }
    try {
      const f = await plane.forward(fnId, inst, request, { timeoutMs: node.timeoutSeconds * 1000, extraHeaders: o.extraHeaders, signal: o.signal });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        pool.release(inst);
      };
      return { ok: true, inst, res: f.res, release, abort: () => (f.abort(), release()) };
    } catch (e) {
      const err = e instanceof ForwardError ? e : new ForwardError(String((e as Error).message), "ERR", "maybe");
      if (err.code === "ZS_ABORTED" || err.code === "ZS_TIMEOUT") {
        pool.release(inst);
        if (err.code === "ZS_ABORTED") return { ok: false, status: 499, message: "the client left", clientGone: true };
        return { ok: false, status: 504, message: `${fnId} did not answer within its timeout (${node.timeoutSeconds}s)` };
      }
      // Out of rotation first, then release: a release hands buffered requests to ready instances, never to this one.
      if (err.delivered === "no") {
        const kind = connectFailure(err.code);
        if (kind === "instance-gone") {
          // Never reached the instance, and it is not there (a healthy one does not refuse): try another.
          pool.evict(inst, `connection ${err.code === "ECONNREFUSED" ? "refused" : `failed (${err.code})`}`);
          pool.release(inst);
          if (attempt < 3) continue;
          return { ok: false, status: 502, message: `the instance of ${fnId} refused the connection (${err.code}); retried on ${attempt} instances` };
        }
        // The gateway's own failure (out of file descriptors, ports, buffers): the instance is fine, keep it.
        pool.release(inst);
        if (kind === "local") return { ok: false, status: 503, message: `the gateway could not open a connection to ${fnId} (${err.code}); retry shortly`, retryAfterSeconds: 1 };
        return { ok: false, status: 502, message: `the gateway could not connect to the instance of ${fnId} (${err.code})` };
      }
      // It may have reached the handler: never replayed (unless idempotent and opted in).
      const broken = err.code === "ECONNRESET" || err.code === "EPIPE";
      // Out of rotation at once; stopped only once released below, so an exit seen meanwhile is its own.
      if (broken) pool.evict(inst, `connection ${err.code === "EPIPE" ? "broken" : "reset"}`, false);
      const exit = await Promise.race([inst.handle.exited.then((info) => ({ info })), new Promise<undefined>((r) => setTimeout(() => r(undefined), EXIT_GRACE_MS))]);
      if (exit && !broken) pool.evict(inst, `exited (${describeExit(exit.info)})`);
      pool.release(inst);
      if (o.retryIdempotent && !retriedMaybe && IDEMPOTENT.has(request.method.toUpperCase())) {
        retriedMaybe = true;
        continue;
      }
      const message = exit
        ? `the instance of ${fnId} exited (${describeExit(exit.info)}) while handling the request`
        : `the instance of ${fnId} failed while handling the request (${err.code}); it may have run, so it was not retried`;
      return { ok: false, status: 502, message };
    }
  }
}
