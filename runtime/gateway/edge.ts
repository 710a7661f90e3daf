import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * The gateway's edge: limits on what a client may hold (time, connections, memory), one
 * normalisation of the request-target for routing and for the function, and Host allow-lists.
 * Pure apart from the server it configures (no I/O of its own), so the Docker backend can validate
 * its options with the same rules.
 */

/** The edge limits of a gateway, every one with its default. */
export interface EdgeLimits {
  /** Longest a client may take to send the request line and headers, ms (then 408 and close). */
  readonly headersTimeoutMs: number;
  /** Longest a client may take to send the whole request (headers and body), ms; not the function's run time. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests, ms (below the runner's 75 s). */
  readonly keepAliveTimeoutMs: number;
  /** Open client connections at most; one more gets `503` and is closed at once. */
  readonly maxConnections: number;
  /** Largest request body, bytes (`413` above). */
  readonly maxBodyBytes: number;
  /** Request bodies held in memory at once across all requests, bytes (`503` + Retry-After when full). */
  readonly maxBufferedBytes: number;
  /** Largest request header block, bytes (`431` above). */
  readonly maxHeaderBytes: number;
}

export const EDGE_DEFAULTS: EdgeLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 10_000,
  maxBodyBytes: 10 * 2 ** 20,
  maxBufferedBytes: 256 * 2 ** 20,
  maxHeaderBytes: 16 * 2 ** 10,
};

/** A body over the limit is read and discarded up to this many bytes before the 413 / 503, so the uploading client sees it. */
export const EDGE_DRAIN_BYTES = 64 * 2 ** 20;

/** The runner's keep-alive timeout (runtime/runner/serve.ts): the gateway's must stay below it. */
export const RUNNER_KEEP_ALIVE_MS = 75_000;

/** The limits with defaults applied; throws naming the option for a value that is not allowed. */
export function edgeLimits(options: Partial<Record<keyof EdgeLimits, number | undefined>>): EdgeLimits {
  const pick = (k: keyof EdgeLimits): number => {
    const v = options[k] ?? EDGE_DEFAULTS[k];
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${k} (${String(v)}) must be a whole number >= 1`);
    return v;
  };
  const limits: EdgeLimits = {
    headersTimeoutMs: pick("headersTimeoutMs"),
    requestTimeoutMs: pick("requestTimeoutMs"),
    keepAliveTimeoutMs: pick("keepAliveTimeoutMs"),
    maxConnections: pick("maxConnections"),
    maxBodyBytes: pick("maxBodyBytes"),
    maxBufferedBytes: pick("maxBufferedBytes"),
    maxHeaderBytes: pick("maxHeaderBytes"),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new RangeError(`headersTimeoutMs (${limits.headersTimeoutMs}) must not be above requestTimeoutMs (${limits.requestTimeoutMs}): the headers are part of the request`);
  }
  if (limits.keepAliveTimeoutMs >= RUNNER_KEEP_ALIVE_MS) {
    throw new RangeError(`keepAliveTimeoutMs (${limits.keepAliveTimeoutMs}) must be below the runner's keep-alive (${RUNNER_KEEP_ALIVE_MS})`);
  }
  if (limits.maxBodyBytes > limits.maxBufferedBytes) {
    throw new RangeError(`maxBodyBytes (${limits.maxBodyBytes}) must not be above maxBufferedBytes (${limits.maxBufferedBytes}): one body must fit in the budget`);
  }
  return limits;
}

/** createServer options for these limits (timeouts checked every 1 s, or sooner for sub-4 s timeouts). */
export function serverOptions(limits: EdgeLimits): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
  };
}

function timedOut(socket: Socket): void {
  const body = "408 Request Timeout: the request was not received in time\n";
  socket.end(`HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), 1000).unref();
}

const CAP_RESPONSE = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: 29\r\n\r\ntoo many connections to this\n";

/**
 * Configure `server` for the limits: timeouts, keep-alive, the connection cap (a connection past it
 * gets a raw `503` and is closed at once, its request never handled), and answers to malformed or
 * slow requests (`400`, `408`, `431`, then close). Returns the sockets refused by the cap (the
 * request handler ignores requests on them).
 */
export function applyEdgeLimits(server: Server, limits: EdgeLimits): { readonly refused: WeakSet<Socket>; open(): number } {
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  const refused = new WeakSet<Socket>();
  // Node's headersTimeout starts with a request's first byte, so a connection that never sends one
  // would stay open for ever: close it when no request has arrived within headersTimeout.
  const silent = new WeakMap<Socket, NodeJS.Timeout>();
  const arrived = (req: IncomingMessage) => {
    const timer = silent.get(req.socket);
    if (timer) clearTimeout(timer);
    silent.delete(req.socket);
  };
  server.prependListener("request", arrived);
  server.prependListener("checkContinue", arrived);
  // With a checkExpectation listener Node no longer sends its own 417: answer it here (and close),
  // or a request with `Expect: <anything but 100-continue>` would hang for ever.
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => {
    arrived(req);
    req.resume();
    const body = `417 Expectation Failed: only "Expect: 100-continue" is supported\n`;
    res.writeHead(417, { "content-type": "text/plain", "content-length": Buffer.byteLength(body), connection: "close" });
    res.end(body);
  });
  let open = 0;
  server.prependListener("connection", (socket: Socket) => {
    if (open >= limits.maxConnections) {
      refused.add(socket);
      socket.on("error", () => undefined);
      socket.end(CAP_RESPONSE);
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    open++;
    const timer = setTimeout(() => {
      silent.delete(socket);
      if (!socket.destroyed) timedOut(socket);
    }, limits.headersTimeoutMs);
    timer.unref();
    silent.set(socket, timer);
    socket.once("close", () => {
      open--;
      clearTimeout(timer);
    });
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    // A response already under way on this socket cannot get another one: just close.
    const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!socket.writable || inProgress || refused.has(socket)) return void socket.destroy();
    const status =
      err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
    const reason = err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "the request was not received in time" : ((err as { reason?: string }).reason ?? err.code ?? "malformed request");
    const body = `${status}: ${reason}\n`;
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  return { refused, open: () => open };
}

/** A request-target normalised once at the edge: what the router matches and the function sees. */
export interface Target {
  /** The normalised path: unreserved characters decoded, dot segments resolved, empty segments collapsed. */
  readonly path: string;
  /** The query, with its `?` ("" when none), as sent. */
  readonly query: string;
  /** The authority of an absolute-form target (`GET http://host/x`), which replaces Host (RFC 9112 3.2.2). */
  readonly authority?: string;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Normalise a request-target (RFC 3986 section 6 for the path): percent-encodings of unreserved
 * characters are decoded (others kept, hex in upper case); dot segments are resolved; empty
 * segments collapse (`//a` is `/a`, so `//evil.example/login` is the path `/evil.example/login`).
 * Refused (the string is why, for a 400): a path that climbs above the root, an encoded slash or
 * backslash (`%2F`, `%5C`), an encoded dot segment (`%2e%2e`), a raw backslash, a fragment, a
 * malformed percent-encoding, and targets that are not a path or an http(s) URL (`*`, authority-form).
 */
export function normalizeTarget(target: string): Target | string {
  let rest = target;
  let authority: string | undefined;
  if (!rest.startsWith("/")) {
    const m = /^https?:\/\/([^/?#]*)(.*)$/is.exec(rest);
    if (!m) return `the request-target ${JSON.stringify(target.slice(0, 100))} is neither a path nor an http URL`;
    authority = m[1] as string;
    if (authority.length === 0 || authority.includes("@")) return `the request-target's authority ${JSON.stringify(authority)} is not a host`;
    rest = (m[2] as string).startsWith("/") ? (m[2] as string) : `/${m[2] as string}`;
  }
  if (rest.includes("#")) return "a request-target cannot carry a fragment (#)";
  const q = rest.indexOf("?");
  const raw = q >= 0 ? rest.slice(0, q) : rest;
  const query = q >= 0 ? rest.slice(q) : "";
  if (raw.includes("\\")) return "a backslash in the path is refused (some parsers read it as a slash)";
  const segments = raw.split("/").slice(1);
  const out: string[] = [];
  let trailing = false;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const last = i === segments.length - 1;
    let problem: string | undefined;
    const decoded = seg.replace(/%([0-9A-Fa-f]{2})|%/g, (all, hex: string | undefined) => {
      if (hex === undefined) {
        problem = "a malformed percent-encoding in the path";
        return all;
      }
      const ch = String.fromCharCode(parseInt(hex, 16));
      if (ch === "/" || ch === "\\") problem = `an encoded ${ch === "/" ? "slash (%2F)" : "backslash (%5C)"} in the path would change routing`;
      return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
    });
    if (problem) return problem;
    const dot = seg === "." || seg === "..";
    if (!dot && (decoded === "." || decoded === "..")) return "an encoded dot segment (%2E) in the path would change routing";
    trailing = last && (seg === "" || dot);
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return "the path climbs above the root (..)";
      out.pop();
      continue;
    }
    out.push(decoded);
  }
  const path = `/${out.join("/")}${trailing && out.length > 0 ? "/" : ""}`;
  return authority === undefined ? { path, query } : { path, query, authority };
}

/** The host name of a Host value (lower case, port and trailing dot dropped; IPv6 keeps its brackets). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const colon = h.lastIndexOf(":");
  return (colon >= 0 ? h.slice(0, colon) : h).replace(/\.$/, "");
}

/**
 * Whether a Host value is on an allow-list. An entry with a port (`localhost:3000`, `[::1]:3000`)
 * matches that host and port exactly; one without (`example.test`) matches the name on any port.
 * Case-insensitive. No Host at all is never allowed.
 */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (host === undefined || host.length === 0) return false;
  const h = host.trim().toLowerCase();
  const name = hostName(h);
  return allowed.some((entry) => {
    const e = entry.trim().toLowerCase();
    const hasPort = e.startsWith("[") ? e.includes("]:") : e.includes(":");
    return hasPort ? e === h : e.replace(/\.$/, "") === name;
  });
}

/** The admin listener's allow-list on `port`: loopback names only (against DNS rebinding). */
export function adminHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/** The edge's check of one request: the normalised target and the host it is for, or why it is refused. */
export type EdgeVerdict =
  | { readonly ok: true; readonly path: string; readonly query: string; readonly host: string | undefined }
  | { readonly ok: false; readonly status: 400 | 403; readonly error: string };

/** Check a request at the edge: its target (normalised) and, when `allowedHosts` is given, its host. */
export function checkRequest(req: IncomingMessage, allowedHosts: readonly string[] | undefined, headerProblem: string | undefined): EdgeVerdict {
  if (headerProblem) return { ok: false, status: 400, error: `bad request: ${headerProblem}` };
  const target = normalizeTarget(req.url ?? "/");
  if (typeof target === "string") return { ok: false, status: 400, error: `bad request-target: ${target}` };
  const host = target.authority ?? req.headers.host;
  if (allowedHosts && !hostAllowed(host, allowedHosts)) return { ok: false, status: 403, error: `host ${JSON.stringify(host ?? "")} is not allowed here` };
  return { ok: true, path: target.path, query: target.query, host };
}
