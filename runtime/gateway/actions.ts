/**
 * The web console's actions (POST /actions/* on the admin listener): invoke a route like a client,
 * fire a schedule now, publish a test message to a queue trigger's broker, scale a function to zero.
 * Each validates its JSON body and fails with an {@link ActionError} (status + message) the admin
 * listener answers as `{ error }`.
 */
import amqplib from "amqplib";
import { Redis } from "ioredis";
import { connect as natsConnect } from "nats";
import type { Logger } from "pino";
import type { DeploymentGraph, QueueBroker, TriggerNode } from "../../lib/index.js";
import type { EngineName } from "../../lib/vocabulary.js";
import type { Settled } from "../connectors/retry.js";
import { ensureNatsStream } from "../connectors/nats.js";
import type { Deliver } from "./schedules.js";

/** A refused or failed action: the admin listener answers `status` with `{ error: message }`. */
export class ActionError extends Error {
  override readonly name = "ActionError";
  constructor(
    readonly status: 400 | 404 | 409 | 502,
    message: string,
  ) {
    super(message);
  }
}

/** What the actions need from the gateway. */
export interface ActionHost {
  readonly graph: DeploymentGraph;
  /** The route port's URL (invoke goes through it like any client). */
  readonly url: string;
  readonly engine: EngineName;
  readonly deliver: Deliver;
  readonly log: Logger;
  /** Fire a schedule now through the gateway's Scheduler (its envelope, retry engine and stats). */
  fireSchedule(triggerId: string): { id: string; settled: Promise<Settled> } | undefined;
  /** Drain and stop every instance of `fn` now; resolves with how many were running. */
  scaleToZero(fn: string): number;
}

/** Largest response body `invoke` returns, characters (the rest is cut and `truncated` set). */
export const INVOKE_BODY_MAX = 64 * 1024;
/** How long `fire` waits for the event to settle before answering 202 (it goes on retrying meanwhile), ms. */
export const FIRE_WAIT_MS = 10_000;

type Body = Record<string, unknown>;

function str(body: Body, key: string, required: true): string;
function str(body: Body, key: string, required: false): string | undefined;
function str(body: Body, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string" || v === "") throw new ActionError(400, `"${key}" must be a non-empty string${v === undefined ? " (missing)" : `, not ${JSON.stringify(v)}`}`);
  return v;
}

function triggerOf(graph: DeploymentGraph, id: string): TriggerNode {
  const t = graph.nodes.find((n): n is TriggerNode => n.kind === "trigger" && n.id === id);
  if (!t) {
    const ids = graph.nodes.filter((n) => n.kind === "trigger").map((n) => n.id);
    throw new ActionError(404, `no trigger ${JSON.stringify(id)} (triggers: ${ids.join(", ") || "none"})`);
  }
  return t;
}

/** The answer of an invoked route. */
export interface InvokeResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly truncated: boolean;
  readonly ms: number;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The path of `fn`'s first http route (a wildcard route's prefix). */
function routeOf(graph: DeploymentGraph, fn: string): string {
  const t = graph.nodes.find((n): n is TriggerNode => n.kind === "trigger" && n.target === fn && n.source.type === "http");
  if (!t || t.source.type !== "http") throw new ActionError(400, `${fn} has no http trigger: give "path"`);
  return t.source.path.replace(/\*.*$/, "") || "/";
}

/** `POST /actions/invoke { fn?, method, path?, headers?, body? }`: one request through the route port (`path` defaults to `fn`'s first route). */
export async function invoke(host: ActionHost, body: Body): Promise<InvokeResult> {
  const method = (str(body, "method", false) ?? "GET").toUpperCase();
  if (!METHODS.has(method)) throw new ActionError(400, `"method" must be one of ${[...METHODS].join(", ")}, not ${JSON.stringify(body["method"])}`);
  const fn = str(body, "fn", false);
  const path = str(body, "path", false) ?? (fn === undefined ? str(body, "path", true) : routeOf(host.graph, fn));
  if (!path.startsWith("/")) throw new ActionError(400, `"path" must start with "/", not ${JSON.stringify(path)}`);
  const headers = body["headers"] ?? {};
  if (typeof headers !== "object" || headers === null || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== "string")) {
    throw new ActionError(400, `"headers" must be an object of strings`);
  }
  const payload = body["body"];
  if (payload !== undefined && typeof payload !== "string") throw new ActionError(400, `"body" must be a string (send JSON as its text)`);
  if (payload !== undefined && (method === "GET" || method === "HEAD")) throw new ActionError(400, `a ${method} request has no body`);
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(`${host.url}${path}`, { method, headers: headers as Record<string, string>, ...(payload !== undefined ? { body: payload } : {}), redirect: "manual" });
  } catch (e) {
    throw new ActionError(502, `the route port did not answer: ${(e as Error).message}`);
  }
  const text = await res.text();
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => (out[k] = v));
  return { status: res.status, headers: out, body: text.slice(0, INVOKE_BODY_MAX), truncated: text.length > INVOKE_BODY_MAX, ms: Math.round(performance.now() - started) };
}

/** What `fire` answers: the event's id and how it settled (null: still retrying after FIRE_WAIT_MS). */
export interface FireResult {
  readonly trigger: string;
  readonly target: string;
  readonly id: string;
  readonly settled: Settled | null;
}

/**
 * `POST /actions/fire { trigger }`: the schedule's event now, once, in the envelope and with the
 * effective delivery policy (retries, backoff, dead letter, timeout) its cron firings get.
 */
export async function fire(host: ActionHost, body: Body): Promise<FireResult> {
  const t = triggerOf(host.graph, str(body, "trigger", true));
  if (t.source.type !== "schedule") throw new ActionError(400, `${t.id} is a ${t.source.type} trigger; only a schedule trigger can be fired (publish to a queue trigger, invoke an http one)`);
  const fired = host.fireSchedule(t.id);
  if (!fired) throw new ActionError(409, `${t.id} is not running on this gateway (it has stopped, or has not started)`);
  host.log.info({ trigger: t.id, id: fired.id }, "schedule fired from the console");
  const run = fired.settled;
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([run, new Promise<null>((r) => (timer = setTimeout(() => r(null), FIRE_WAIT_MS)))]);
  clearTimeout(timer);
  return { trigger: t.id, target: t.target, id: fired.id, settled };
}

type QueueSource = Extract<TriggerNode["source"], { type: "queue" }>;

/** One message onto a broker's queue, as a producer would send it; resolves with the message id when the broker gives one. */
type Publisher = (url: string, source: QueueSource, data: unknown) => Promise<string | null>;

function payloadOf(data: unknown): Buffer {
  return Buffer.from(typeof data === "string" ? data : JSON.stringify(data), "utf8");
}

/** How a test message reaches each broker (exhaustive: a new broker fails to compile until decided). */
export const PUBLISHERS: Readonly<Record<QueueBroker, Publisher | null>> = {
  redis: async (url, s, data) => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    try {
      await redis.connect();
      // An object becomes the entry's fields (what the connector turns back into the event's data); anything else one "data" field.
      const fields = typeof data === "object" && data !== null && !Array.isArray(data) ? Object.entries(data).flatMap(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]) : ["data", typeof data === "string" ? data : JSON.stringify(data)];
      if (fields.length === 0) fields.push("data", "");
      return await redis.xadd(s.name, "*", ...fields);
    } finally {
      redis.disconnect();
    }
  },
  rabbitmq: async (url, s, data) => {
    const conn = await amqplib.connect(url);
    try {
      const ch = await conn.createConfirmChannel();
      await ch.assertQueue(s.name, { durable: true });
      const contentType = typeof data === "string" ? "text/plain" : "application/json";
      await new Promise<void>((resolve, reject) => ch.sendToQueue(s.name, payloadOf(data), { persistent: true, contentType }, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())));
      return null;
    } finally {
      await conn.close();
    }
  },
  nats: async (url, s, data) => {
    const nc = await natsConnect({ servers: url.replace(/^nats:\/\//, ""), timeout: 3000 });
    try {
      await ensureNatsStream(await nc.jetstreamManager(), s.name);
      const ack = await nc.jetstream().publish(s.name, payloadOf(data));
      return `${ack.stream}:${ack.seq}`;
    } finally {
      await nc.close();
    }
  },
  kafka: null,
};

/** What `publish` answers. */
export interface PublishResult {
  readonly trigger: string;
  readonly broker: QueueBroker;
  readonly queue: string;
  readonly id: string | null;
}

/** `POST /actions/publish { trigger, data }`: a test message onto the queue trigger's broker (its connector then delivers it). */
export async function publish(host: ActionHost, body: Body): Promise<PublishResult> {
  const t = triggerOf(host.graph, str(body, "trigger", true));
  if (t.source.type !== "queue") throw new ActionError(400, `${t.id} is a ${t.source.type} trigger; only a queue trigger takes a published message`);
  if (!("data" in body)) throw new ActionError(400, `"data" is missing (a string, or JSON)`);
  const s = t.source;
  if (!("url" in s.connection)) throw new ActionError(400, `${t.id}: its connection is a secret reference; the console publishes only to a broker given by URL`);
  const publisher = PUBLISHERS[s.broker];
  if (publisher === null) throw new ActionError(400, `${t.id}: zeroscale dev does not consume ${s.broker}, so the console does not publish to it`);
  try {
    const id = await publisher(s.connection.url, s, body["data"]);
    host.log.info({ trigger: t.id, broker: s.broker, queue: s.name, id }, "test message published from the console");
    return { trigger: t.id, broker: s.broker, queue: s.name, id };
  } catch (e) {
    throw new ActionError(502, `publishing to ${s.broker} (${s.name}) failed: ${(e as Error).message}`);
  }
}

/** `POST /actions/scale-to-zero { fn }`: drain and stop every instance of the function now. */
export function scaleToZero(host: ActionHost, body: Body): { fn: string; stopping: number } {
  const fn = str(body, "fn", true);
  if (!host.graph.nodes.some((n) => n.kind === "function" && n.id === fn)) {
    const ids = host.graph.nodes.filter((n) => n.kind === "function").map((n) => n.id);
    throw new ActionError(404, `no function ${JSON.stringify(fn)} (functions: ${ids.join(", ")})`);
  }
  const policy = host.graph.nodes.find((n) => n.kind === "scalingPolicy" && n.target === fn);
  if (policy && policy.kind === "scalingPolicy" && policy.minInstances > 0) {
    throw new ActionError(409, `${fn} has minInstances ${policy.minInstances}: it does not go to zero (its engine would start it again)`);
  }
  return { fn, stopping: host.scaleToZero(fn) };
}

/** The actions by path (POST /actions/<name>). */
export const ACTIONS: Readonly<Record<string, (host: ActionHost, body: Body) => Promise<unknown> | unknown>> = {
  invoke,
  fire,
  publish,
  "scale-to-zero": scaleToZero,
};
