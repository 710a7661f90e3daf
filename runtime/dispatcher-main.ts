/**
 * The KEDA dispatcher as a program (keda()'s push mode; providers/keda/dispatcher.ts writes its
 * Deployment): `node /zeroscale/dispatcher.cjs` in the gateway image. It consumes ONE queue trigger
 * with the gateway's own connector (runtime/connectors/: consumer group, retries with backoff, dead
 * letter, ack after a 2xx, all from the trigger's effective delivery on "keda") and POSTs each event
 * to the function's Service. Config:
 *   ZEROSCALE_DISPATCH      JSON (DispatchConfig): app, namespace, trigger node, target + dead-letter URLs,
 *                           maxInflight, connectWaitSeconds
 *   ZEROSCALE_BROKER_URL    the broker's URL (from a Secret when the connection is one); replaces the trigger's connection
 *   ZEROSCALE_METRICS_PORT  GET /metrics (Prometheus: zeroscale_dispatcher_backlog{trigger}), /backlog
 *                           (JSON, KEDA's metrics-api scaler), /healthz; default 9090
 * On SIGTERM it stops the connector (attempts under way finish, messages in backoff stay unacked
 * with the broker for redelivery: nothing is acked twice) and exits.
 */
import { Agent, request, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { pino } from "pino";
import { Gauge, Registry } from "prom-client";
import type { TriggerNode } from "../lib/index.js";
import type { DispatchConfig, DispatchTarget } from "../providers/keda/dispatcher.js";
import { type Connector, startConnectors } from "./connectors/index.js";
import type { Deliver } from "./gateway/schedules.js";

/** Errors raised before the request reached anything: retrying them cannot deliver twice. */
const NOT_SENT = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNECT_TIMEOUT"]);
const CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_TIMEOUT_MS = 300_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One HTTP attempt: the status, or a rejection carrying `sent` (whether the request may have reached the server). */
function post(target: DispatchTarget, event: { headers: Record<string, string>; body: Buffer }, timeoutMs: number, agents: { http: Agent; https: HttpsAgent }): Promise<number> {
  const url = new URL(target.url);
  const https = url.protocol === "https:";
  return new Promise<number>((resolve, reject) => {
    let connected = false;
    let settled = false;
    const headers = { ...event.headers, "content-length": String(event.body.length), ...(target.host ? { host: target.host } : {}) };
    const opts = { method: "POST", hostname: url.hostname, port: url.port || (https ? 443 : 80), path: `${url.pathname}${url.search}`, headers, agent: https ? agents.https : agents.http };
    const req = https ? httpsRequest(opts) : request(opts);
    const timeout = (code: string, ms: number, what: string) => setTimeout(() => req.destroy(Object.assign(new Error(`${what} within ${ms} ms`), { code })), ms);
    // Connecting has its own bound; once connected, the attempt's timeout runs.
    let timer = timeout("ECONNECT_TIMEOUT", Math.min(timeoutMs, CONNECT_TIMEOUT_MS), "no connection");
    const fail = (e: Error & { code?: string; sent?: boolean }) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      e.sent = connected;
      reject(e);
    };
    req.on("socket", (socket) => {
      const onConnect = () => {
        connected = true;
        clearTimeout(timer);
        timer = timeout("ETIMEDOUT", timeoutMs, "no answer");
      };
      if (socket.connecting) socket.once(https ? "secureConnect" : "connect", onConnect);
      else onConnect();
    });
    req.on("error", (e) => fail(e as Error & { code?: string }));
    req.on("response", (res: IncomingMessage) => {
      res.resume();
      res.on("error", (e) => fail(e));
      res.on("end", () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve(res.statusCode ?? 0);
      });
    });
    req.end(event.body);
  });
}

/**
 * The dispatcher's Deliver: one attempt to the function's URL. A connection the target refused
 * (its Service has no ready pod: scaling from zero) is retried for up to `connectWaitSeconds` and
 * does not count as an attempt, and so is a reused keep-alive socket the server had closed.
 */
export function httpDeliver(config: DispatchConfig, stopping: AbortSignal): Deliver {
  const agents = { http: new Agent({ keepAlive: true, timeout: 4000 }), https: new HttpsAgent({ keepAlive: true, timeout: 4000 }) };
  const targets = new Map<string, DispatchTarget>([[config.target.fn, config.target], ...(config.deadLetter ? [[config.deadLetter.fn, config.deadLetter] as const] : [])]);
  return async (fnId, _trigger, event, o = {}) => {
    const target = targets.get(fnId);
    if (!target) throw new Error(`zeroscale bug: no URL for function ${fnId}`);
    const deadline = Date.now() + config.connectWaitSeconds * 1000;
    for (let reused = 0; ; ) {
      try {
        return await post(target, event, o.timeoutMs ?? DEFAULT_TIMEOUT_MS, agents);
      } catch (e) {
        const err = e as Error & { code?: string; sent?: boolean };
        if (err.sent && err.code === "ECONNRESET" && reused++ < 1) continue; // an idle keep-alive socket the server closed
        if (err.sent || !NOT_SENT.has(err.code ?? "") || stopping.aborted || Date.now() >= deadline) throw err;
        await sleep(1000);
      }
    }
  };
}

async function main(): Promise<void> {
  const raw = process.env["ZEROSCALE_DISPATCH"];
  if (!raw) throw new Error("set ZEROSCALE_DISPATCH (the dispatcher's JSON config)");
  const config = JSON.parse(raw) as DispatchConfig;
  const brokerUrl = process.env["ZEROSCALE_BROKER_URL"];
  const source = config.trigger.source;
  if (source.type !== "queue") throw new Error(`${config.trigger.id} is not a queue trigger`);
  const trigger: TriggerNode = brokerUrl ? { ...config.trigger, source: { ...source, connection: { url: brokerUrl } } } : config.trigger;
  const log = pino({ level: process.env["LOG_LEVEL"] ?? "info" });
  const port = Number(process.env["ZEROSCALE_METRICS_PORT"] ?? 9090);

  const stopping = new AbortController();
  let connector: Connector | undefined;
  const registry = new Registry();
  new Gauge({
    name: "zeroscale_dispatcher_backlog",
    help: "Messages of the trigger waiting: not yet delivered or not yet acknowledged",
    labelNames: ["trigger"],
    registers: [registry],
    collect() {
      this.set({ trigger: trigger.id }, connector?.backlog() ?? 0);
    },
  });
  new Gauge({
    name: "zeroscale_dispatcher_messages",
    help: "Messages by outcome since the dispatcher started (delivered, retried attempts, dead-lettered, dropped)",
    labelNames: ["trigger", "outcome"],
    registers: [registry],
    collect() {
      const s = connector?.stats() ?? { delivered: 0, retried: 0, deadLettered: 0, dropped: 0 };
      for (const [outcome, n] of Object.entries(s)) this.set({ trigger: trigger.id, outcome }, n);
    },
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") return void res.writeHead(405).end();
    if (path === "/healthz") return void res.writeHead(connector && !stopping.signal.aborted ? 200 : 503, { "content-type": "text/plain" }).end(connector ? "ok\n" : "starting\n");
    if (path === "/backlog") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ backlog: connector?.backlog() ?? 0 }));
    if (path === "/metrics") {
      void registry.metrics().then((text) => res.writeHead(200, { "content-type": registry.contentType }).end(text));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(port, r));

  const deliver = httpDeliver(config, stopping.signal);
  [connector] = await startConnectors(config.app, [trigger], deliver, log, () => config.maxInflight, { engine: "keda", namespace: config.namespace });
  log.info({ trigger: trigger.id, target: config.target.url, deadLetter: config.deadLetter?.url ?? null, port }, "dispatching");

  let stopped = false;
  const stop = (signal: string) => {
    if (stopped) return;
    stopped = true;
    log.info({ trigger: trigger.id, signal }, "stopping: attempts under way finish, nothing new is read");
    stopping.abort();
    if (!connector) process.exit(0);
    void connector.stop().then(() => {
      server.close();
      server.closeAllConnections();
      log.info({ trigger: trigger.id }, "stopped");
      process.exit(0);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e: unknown) => {
  console.error(JSON.stringify({ level: "fatal", msg: String((e as Error)?.message ?? e) }));
  process.exit(1);
});
