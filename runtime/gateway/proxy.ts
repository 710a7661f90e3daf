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

/** Keep-alive connection pools to instances, one agent per function. */
export function createAgent(maxSocketsPerInstance: number): Agent {
  // Idle sockets close after 4s, well before the runner's 75s keep-alive, so the gateway (not the
  // instance) closes idle connections; a request that still hits a socket the instance closed is retried.
  return new Agent({ keepAlive: true, maxSockets: maxSocketsPerInstance, timeout: 4000, scheduling: "lifo" });
}

/**
 * Send `req` to the instance on host:port. Retries once, on a fresh connection, when a reused
 * keep-alive socket turns out to be closed by the instance before any response byte (the keep-alive
 * race): such a request never reached the handler.
 */
export function forward(agent: Agent, host: string, port: number, req: ForwardRequest, timeoutMs: number, extraHeaders: Record<string, string>): Promise<IncomingMessage> {
  const attempt = (retry: boolean): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const empty = req.body.length === 0 && (req.method === "GET" || req.method === "HEAD");
      const headers = forwardHeaders(req.headers, empty ? extraHeaders : { ...extraHeaders, "content-length": String(req.body.length) });
      if (empty) delete headers["content-length"];
      const out = httpRequest({ host, port, method: req.method, path: req.path, headers, agent: retry ? agent : false, timeout: timeoutMs }, resolve);
      out.on("timeout", () => out.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: "ZS_TIMEOUT" })));
      out.on("error", (e: NodeJS.ErrnoException) => {
        if (retry && out.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE")) attempt(false).then(resolve, reject);
        else reject(e);
      });
      if (empty) out.end();
      else out.end(req.body);
    });
  return attempt(true);
}
