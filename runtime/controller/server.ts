/**
 * The Docker controller: the only zeroscale process that holds the Docker socket. It serves the
 * gateway (the data plane, which faces traffic and has no Docker access) exactly the operations in
 * ./protocol.ts, on this app's pre-created function containers only, through
 * PrecreatedContainersDriver's checked methods. Kept small on purpose: node:http, no framework, no
 * request bodies read, responses built field by field (inspect returns state, never env or config).
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type Docker from "dockerode";
import { NotOwnedError, PrecreatedContainersDriver } from "../drivers/precreated.js";

/** Options of {@link createController}. */
export interface ControllerOptions {
  /** The app whose labelled containers it may touch; every other container is refused. */
  readonly app: string;
  readonly networkMode: "host" | "bridge";
  /** The shared token every request must carry as `authorization: Bearer <token>`. */
  readonly token: string;
  readonly docker?: Docker;
  /** Audit log: one line per refused or failed request, and per lease event. @default stderr JSON */
  readonly log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

/** A Docker controller for one app; the caller listens (a Unix socket) and closes it. */
export interface Controller {
  readonly server: Server;
  /** Stop every running function container of the app (the controller's own shutdown does this). */
  stopAll(): Promise<number>;
}

const FN_ID = /^[a-z0-9][a-z0-9._/-]{0,252}$/i;

export function createController(o: ControllerOptions): Controller {
  if (o.token.length < 16) throw new Error("the controller token must be at least 16 characters");
  const driver = new PrecreatedContainersDriver(o.app, { networkMode: o.networkMode, ...(o.docker ? { docker: o.docker } : {}) });
  const expected = Buffer.from(`Bearer ${o.token}`);
  const log = o.log ?? ((level, msg, fields) => console.error(JSON.stringify({ level, msg, component: "controller", app: o.app, ...fields })));
  const leases = new Set<ServerResponse>();

  const authorized = (req: IncomingMessage): boolean => {
    const got = Buffer.from(req.headers.authorization ?? "");
    return got.length === expected.length && timingSafeEqual(got, expected);
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...(status === 401 ? { "www-authenticate": "Bearer" } : {}) });
    res.end(text);
  };

  /** The route, or undefined (404). Every handler's input is one checked path segment and `t`. */
  const route = (method: string, path: string, url: URL): (() => Promise<[number, unknown]>) | undefined => {
    const parts = path.split("/").slice(1); // "/v1/containers/<id>/start" -> ["v1", "containers", "<id>", "start"]
    if (parts[0] !== "v1") return undefined;
    const [, kind, arg, verb] = parts;
    if (parts.length === 2 && kind === "stop" && method === "POST") return async () => [200, { stopped: await driver.stopAll() }];
    if (kind === "functions" && parts.length === 3 && method === "GET" && arg !== undefined) {
      return async () => {
        const fn = decodeURIComponent(arg);
        if (!FN_ID.test(fn)) return [403, { error: "not a function id" }];
        return [200, { containers: await driver.list(fn) }];
      };
    }
    if (kind !== "containers" || arg === undefined) return undefined;
    if (parts.length === 3 && method === "GET") return async () => [200, await driver.stateOf(arg)];
    if (parts.length !== 4) return undefined;
    if (verb === "usage" && method === "GET") return async () => [200, await driver.usageOf(arg)];
    if (verb === "start" && method === "POST") {
      return async () => {
        const s = await driver.stateOf(arg);
        if (s.running) return [409, { error: "already running" }];
        const c = await driver.startContainer(arg);
        return [200, { id: c.id, name: c.name, fn: c.fn, host: c.host, port: c.port }];
      };
    }
    if (verb === "stop" && method === "POST") {
      const t = Number(url.searchParams.get("t") ?? "10");
      return async () => {
        await driver.stopContainer(arg, Number.isFinite(t) ? t : 10);
        return [200, { stopped: true }];
      };
    }
    return undefined;
  };

  const lease = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
    res.write(`${JSON.stringify({ lease: true })}\n`);
    leases.add(res);
    log("info", "the gateway took a lease", { leases: leases.size });
    req.socket.setTimeout(0);
    res.on("close", () => {
      leases.delete(res);
      if (leases.size > 0) return;
      // The gateway is gone (exited, crashed, SIGKILLed): no instance may outlive it.
      void driver.stopAll().then(
        (n) => log("warn", "the gateway's lease closed: stopped its containers", { stopped: n }),
        (e: unknown) => log("error", "the gateway's lease closed, and stopping its containers failed", { error: String(e) }),
      );
    });
  };

  const server = createServer((req, res) => {
    req.resume(); // no handler reads a body
    const method = req.method ?? "";
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://controller");
    } catch {
      return send(res, 404, { error: "not found" });
    }
    const path = url.pathname;
    if (!authorized(req)) {
      log("warn", "refused: missing or wrong token", { method, path });
      return send(res, 401, { error: "missing or wrong token" });
    }
    if (method === "GET" && path === "/v1/lease") return lease(req, res);
    const handler = route(method, path, url);
    if (!handler) {
      log("warn", "refused: not an operation of the controller", { method, path });
      return send(res, 404, { error: "not found" });
    }
    handler().then(
      ([status, body]) => send(res, status, body),
      (e: unknown) => {
        if (e instanceof NotOwnedError || e instanceof URIError) {
          log("warn", "refused: not a container of this app", { method, path });
          return send(res, 403, { error: "not a container of this app" });
        }
        const status = (e as { statusCode?: number }).statusCode;
        log("error", "docker failed", { method, path, status, error: String((e as Error)?.message ?? e).split("\n")[0] });
        send(res, 502, { error: "docker failed" });
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 0; // leases last as long as the gateway
  server.maxHeadersCount = 20;
  return { server, stopAll: () => driver.stopAll() };
}
