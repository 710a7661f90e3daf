import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { adminHosts, EDGE_DEFAULTS, hostAllowed } from "./edge.js";
import type { Gateway } from "./gateway.js";
import { CONSOLE_ENDPOINTS, handleConsole, type TimelineEntry } from "../console/api.js";
import { Ring } from "./stats.js";

/** Decisions and instance events the admin listener keeps for the console's timeline. */
export const TIMELINE_SIZE = 500;

/**
 * The admin listener, on 127.0.0.1 only and never on the route port:
 *   GET /metrics   Prometheus text (prom-client)
 *   GET /status    per-function instances, in-flight, buffered, last decision; per schedule/queue
 *                  trigger events delivered, retried, dead-lettered, dropped (JSON)
 *   GET /events    Server-Sent Events: scaling decisions, instance changes, every answered request
 *                  (`event: request`) and function log line (`event: log`)
 *   GET /healthz   200 while the gateway runs
 *   GET /          the web console, and its API (runtime/console/api.ts: /graph, /live, /requests,
 *                  /logs, /timeline, POST /actions/*)
 * Only for a loopback Host (`127.0.0.1:<port>`, `localhost:<port>`, `[::1]:<port>`): any other gets
 * 403, so a web page whose name was rebound to 127.0.0.1 cannot read it (DNS rebinding).
 */
export function startAdmin(gateway: Gateway, port: number): Promise<Server> {
  const timeline = new Ring<TimelineEntry>(TIMELINE_SIZE);
  gateway.on("decision", (data: unknown) => timeline.push({ type: "decision", at: Date.now(), data }));
  gateway.on("instance", (data: unknown) => timeline.push({ type: "instance", at: Date.now(), data }));
  const server = createServer({ headersTimeout: EDGE_DEFAULTS.headersTimeoutMs, requestTimeout: EDGE_DEFAULTS.requestTimeoutMs }, (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://admin.invalid");
    } catch {
      res.writeHead(400, { "content-type": "application/json", connection: "close" });
      res.end(`${JSON.stringify({ error: `not a request target: ${JSON.stringify(req.url)}` })}\n`);
      return;
    }
    const path = url.pathname;
    const allowed = adminHosts((server.address() as AddressInfo).port);
    if (!hostAllowed(req.headers.host, allowed)) {
      res.writeHead(403, { "content-type": "application/json", connection: "close" });
      res.end(`${JSON.stringify({ error: `host ${JSON.stringify(req.headers.host ?? "")} is not allowed on the admin listener`, allowed })}\n`);
      return;
    }
    if (path === "/metrics") {
      void gateway.metrics.registry.metrics().then((text) => {
        res.writeHead(200, { "content-type": gateway.metrics.registry.contentType });
        res.end(text);
      });
    } else if (path === "/status") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`${JSON.stringify({ app: gateway.graph.app.name, url: gateway.url, functions: gateway.status(), triggers: gateway.deliveryStats() }, null, 2)}\n`);
    } else if (path === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const send = (type: string) => (data: unknown) => res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      const onDecision = send("decision");
      const onInstance = send("instance");
      const onRequest = send("request");
      const onLog = send("log");
      gateway.on("decision", onDecision);
      gateway.on("instance", onInstance);
      gateway.live.on("request", onRequest);
      gateway.live.on("log", onLog);
      req.on("close", () => {
        gateway.off("decision", onDecision);
        gateway.off("instance", onInstance);
        gateway.live.off("request", onRequest);
        gateway.live.off("log", onLog);
      });
    } else if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok\n");
    } else {
      void handleConsole(gateway, timeline, req, res, path, url.searchParams).then((handled) => {
        if (handled) return;
        res.writeHead(404, { "content-type": "application/json" });
        res.end(`${JSON.stringify({ error: `no admin endpoint ${path}`, endpoints: ["/metrics", "/status", "/events", "/healthz", ...CONSOLE_ENDPOINTS] })}\n`);
      });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
