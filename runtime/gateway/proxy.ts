import { Agent, type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from "node:http";

/** A request as the gateway forwards it: the body is buffered (bounded), so a retry is possible. */
export interface ForwardRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders | Record<string, string>;
  readonly body: Buffer;
}

/** Hop-by-hop headers, never forwarded. */
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "proxy-authorization", "proxy-authenticate"]);

export function forwardHeaders(headers: IncomingHttpHeaders | Record<string, string>, extra: Record<string, string>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return { ...out, ...extra };
}

/** Keep-alive connection pool to one instance. */
export function createAgent(maxSockets: number): Agent {
  // Idle sockets close after 4s, well before the runner's 75s keep-alive, so the gateway (not the
  // instance) closes idle connections.
  return new Agent({ keepAlive: true, maxSockets, timeout: 4000, scheduling: "lifo" });
}

/** Idempotent methods (RFC 9110 9.2.2): only these may be retried after they may have reached an instance, and only when the gateway opts in. */
export const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * Why a forward failed, and whether the request may have reached the instance:
 * "no" only for a connection that never opened (refused, nothing written), "maybe" once any byte
 * may have been written (a reused keep-alive socket, or a connection that was open).
 */
export class ForwardError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly delivered: "no" | "maybe",
  ) {
    super(message);
  }
}

/** A response under way; `abort` destroys the upstream request and its socket (the client left). */
export interface Forwarded {
  readonly res: IncomingMessage;
  abort(): void;
}

/**
 * Send `req` to the instance on host:port, once: never retried here (at-most-once; the caller
 * decides, from `ForwardError.delivered`). `signal` aborts it (the client left): the upstream
 * request and its socket are destroyed, freeing the agent's slot at once.
 */
export function forward(agent: Agent, host: string, port: number, req: ForwardRequest, timeoutMs: number, extraHeaders: Record<string, string>, signal?: AbortSignal): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ForwardError("the client left", "ZS_ABORTED", "no"));
    const empty = req.body.length === 0 && (req.method === "GET" || req.method === "HEAD");
    const headers = forwardHeaders(req.headers, empty ? extraHeaders : { ...extraHeaders, "content-length": String(req.body.length) });
    if (empty) delete headers["content-length"];
    // A connection that was open (or reused) may have carried the request: from then on, "maybe".
    let written = false;
    let aborted = false;
    const out = httpRequest({ host, port, method: req.method, path: req.path, headers, agent, timeout: timeoutMs }, (res) => {
      signal?.removeEventListener("abort", onAbort);
      resolve({ res, abort: () => destroy() });
    });
    const destroy = () => {
      aborted = true;
      out.destroy();
      out.socket?.destroy();
    };
    const onAbort = () => {
      destroy();
      reject(new ForwardError("the client left", "ZS_ABORTED", written ? "maybe" : "no"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    out.on("socket", (socket) => {
      if (out.reusedSocket || !socket.connecting) written = true;
      else socket.once("connect", () => (written = true));
    });
    out.on("timeout", () => out.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: "ZS_TIMEOUT" })));
    out.on("error", (e: NodeJS.ErrnoException) => {
      signal?.removeEventListener("abort", onAbort);
      if (aborted) return;
      const code = e.code ?? "ERR";
      reject(new ForwardError(e.message, code, written ? "maybe" : "no"));
    });
    if (empty) out.end();
    else out.end(req.body);
  });
}
