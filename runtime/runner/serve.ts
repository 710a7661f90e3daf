/**
 * The zeroscale function runner: serves a Fetch-style handler `(request: Request) => Response` over
 * HTTP on $PORT. Used by the process driver, the Docker driver (mounted into a node image), and the
 * images built for `code` functions. Configured by env:
 *   PORT                  port to listen on (default 8080)
 *   ZEROSCALE_HOST        address to bind (default 127.0.0.1)
 *   ZEROSCALE_HANDLER     path of the handler module
 *   ZEROSCALE_EXPORT      export to call (default "default")
 *   ZEROSCALE_HANDLER_FORMAT  "module" or "commonjs": how to load it (default: detected, format.ts)
 * It ends when its parent dies (see watchParent).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { EventContext } from "../../lib/events/context.js";
import type { ZeroscaleEvent } from "../../lib/events/parse.js";
import { eventsFromMessage } from "./events.js";
import { detectFormat, formatFromEnv, type HandlerFormat } from "./format.js";

/** A handler: the request, and the event it carries (normalised, lib/events/parse.ts) when it is one. */
type Handler = (request: Request, context: EventContext) => Response | Promise<Response>;

/**
 * Load the handler the way its format says: an ES module through import(), CommonJS through
 * require() (so `module.exports = fn`, `exports.handler` and transpiled `exports.default` all work).
 * The format comes from ZEROSCALE_HANDLER_FORMAT (the driver detected it on the host) or, unset, from
 * the same rules here (format.ts): one decision, whatever runs the runner.
 */
async function loadHandler(file: string, name: string, envFormat?: string): Promise<Handler> {
  const detected = detectFormat(file);
  const format = formatFromEnv(envFormat) ?? detected.format;
  let fn: unknown;
  let exported: string[];
  try {
    if (format === "commonjs") {
      const mod = createRequire(file)(file) as unknown;
      const obj = (mod ?? {}) as Record<string, unknown>;
      fn = name === "default" ? (typeof mod === "function" ? mod : obj["default"]) : obj[name];
      exported = typeof mod === "function" ? ["default (module.exports)", ...Object.keys(obj)] : Object.keys(obj);
    } else {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      fn = mod[name];
      exported = Object.keys(mod);
    }
  } catch (e) {
    throw new Error(explainLoadError(file, format, detected.why, e));
  }
  if (typeof fn !== "function") throw new Error(`${file} has no function export "${name}" (read as ${format === "module" ? "an ES module" : "CommonJS"} because of ${detected.why}; it exports: ${exported.join(", ") || "nothing"})`);
  return fn as Handler;
}

/** A load failure that is a format mismatch, said so with the fix; others as they are. */
function explainLoadError(file: string, format: HandlerFormat, why: string, e: unknown): string {
  const message = String((e as Error)?.message ?? e);
  if (format === "commonjs" && e instanceof SyntaxError && ESM_ONLY_HINT.test(message)) {
    return `${file} is read as CommonJS (because of ${why}) but uses ESM syntax (${message}); rename it .mjs, set "type": "module" in its package.json, or use module.exports`;
  }
  if (format === "module" && /\b(require|module|exports|__dirname|__filename) is not defined in ES module scope/.test(message)) {
    return `${file} is read as an ES module (because of ${why}) but uses CommonJS (${message.split("\n")[0]}); rename it .cjs, set "type": "commonjs" in its package.json, or use export`;
  }
  return message;
}

const ESM_ONLY_HINT = /import statement outside a module|Unexpected token 'export'|'import\.meta' outside a module/;

function toRequest(req: IncomingMessage, body: Buffer, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  const method = req.method ?? "GET";
  const init: RequestInit = { method, headers };
  if (method !== "GET" && method !== "HEAD" && body.length > 0) init.body = body;
  return new Request(requestUrl(req.url ?? "/", origin), init);
}

/**
 * `request.url`: this runner's own origin plus the request-target's path and query, never the
 * target's authority. `new URL(target, origin)` would read `//evil.example/login` as another host
 * (an open redirect for `new URL("/x", request.url)`); an absolute-form target keeps only its path.
 * The gateway has already normalised the path (runtime/gateway/edge.ts).
 */
export function requestUrl(target: string, origin: string): string {
  let path = target;
  if (!path.startsWith("/")) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/is.exec(path);
    path = m ? (m[1] as string) : "/";
    if (!path.startsWith("/")) path = `/${path}`;
  }
  // Appended to a parsed origin, every leading slash stays in the path.
  return new URL(`${origin}${path}`).href;
}

/** The request's events, when it is an event delivery (a ce-specversion header, or a JSON body any backend's event shape); a malformed event is the handler's to see. */
function eventContext(req: IncomingMessage, body: Buffer): EventContext {
  const ct = req.headers["content-type"];
  const maybe = req.headers["ce-specversion"] !== undefined || ((ct === undefined || /json/i.test(ct)) && body.length > 0 && body[0] === 0x7b && /"(specversion|eventSource)"/.test(body.subarray(0, 4096).toString("latin1")));
  let events: ZeroscaleEvent[] = [];
  if (maybe) {
    try {
      events = eventsFromMessage({ headers: req.headers, body });
    } catch {
      events = [];
    }
  }
  return { event: events.length === 1 ? events[0] : undefined, events };
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  }
  res.end();
}

async function main(): Promise<void> {
  const file = process.env["ZEROSCALE_HANDLER"];
  if (!file) throw new Error("ZEROSCALE_HANDLER is not set");
  const handler = await loadHandler(file, process.env["ZEROSCALE_EXPORT"] ?? "default", process.env["ZEROSCALE_HANDLER_FORMAT"]);
  const port = Number(process.env["PORT"] ?? "8080");
  const host = process.env["ZEROSCALE_HOST"] ?? "127.0.0.1";
  // Loopback when bound to every address; the port actually bound (PORT may be 0).
  const originOf = () => `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host}:${(server.address() as { port: number } | null)?.port ?? port}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      Promise.resolve()
        .then(() => {
          const body = Buffer.concat(chunks);
          return handler(toRequest(req, body, originOf()), eventContext(req, body));
        })
        .then((response) => {
          if (!(response instanceof Response)) throw new Error("the handler did not return a Response");
          return send(res, response);
        })
        .catch((e: unknown) => {
          console.error(JSON.stringify({ level: "error", msg: "handler failed", error: String((e as Error)?.stack ?? e) }));
          if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
          res.end("internal error\n");
        });
    });
  });
  // Outlive the gateway's pooled sockets, so the gateway closes idle connections first.
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  server.listen(port, host, () => process.send?.({ port: (server.address() as { port: number }).port })); // the bound port (PORT=0), to a driver that spawned it with IPC
  const stop = () => {
    server.close(() => process.exit(0)); // finish in-flight requests...
    server.closeIdleConnections(); // ...but do not wait for idle keep-alive sockets
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  watchParent(stop);
}

/**
 * End with the process that started us, however it dies (SIGKILL included): an instance must never
 * outlive its gateway. Two signals: the IPC channel the process driver opens closes ('disconnect'),
 * and, for parents without one, being re-parented (process.ppid changes; polled every 500 ms). In a
 * container the parent is the init process and never changes; the Docker drivers stop containers.
 * After `stop` (drain) gets 1 s, the runner exits regardless.
 */
function watchParent(stop: () => void): void {
  let ending = false;
  const end = (why: string) => {
    if (ending) return;
    ending = true;
    console.error(JSON.stringify({ level: "warn", msg: `the gateway is gone (${why}): stopping` }));
    setTimeout(() => process.exit(0), 1000).unref();
    stop();
  };
  if (process.channel) {
    process.on("disconnect", () => end("its IPC channel closed"));
    process.channel.unref(); // the channel alone does not keep the runner alive
  }
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) end(`re-parented from ${parent} to ${process.ppid}`);
  }, 500).unref();
}

main().catch((e: unknown) => {
  console.error(JSON.stringify({ level: "fatal", msg: "runner failed to start", error: String((e as Error)?.message ?? e) }));
  process.exit(1);
});
