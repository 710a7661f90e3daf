import { toMillis } from "../duration.js";
import type { DeliveryProps, EventTriggerProps, HttpSource, QueueSource, ScheduleSource, TriggerSourceProps } from "../event-trigger.js";
import type { DeadLetterData, DeliveryData, TriggerNode, TriggerSource } from "../graph/types.js";
import type { Checker } from "../validation/checker.js";
import { DNS1123_SUBDOMAIN, HOST_NAME, SECRET_KEY, URL_PATH } from "../validation/patterns.js";
import { BACKOFF_POLICIES, TRIGGER_KINDS, type QueueBroker, type TriggerKind } from "../vocabulary.js";

/** Default time zone of schedules. */
export const DEFAULT_TIMEZONE = "UTC";

const URL_SCHEMES: Record<QueueBroker, readonly string[]> = {
  redis: ["redis:", "rediss:"],
  rabbitmq: ["amqp:", "amqps:"],
  kafka: [],
  nats: ["nats:", "tls:"],
};
const CONNECTION_EXAMPLE: Record<QueueBroker, string> = {
  redis: '"redis://cache:6379"',
  rabbitmq: '"amqp://mq:5672"',
  kafka: '"kafka-0:9092,kafka-1:9092"',
  nats: '"nats://nats:4222"',
};

/** Delivery defaults: bounded retries with exponential backoff, no dead letter, the function's timeout per attempt. */
export const DELIVERY_DEFAULTS = { retries: 3, backoff: { policy: "exponential", delayMs: 1000 }, maxRetries: 100, minDelayMs: 10, maxDelayMs: 3_600_000 } as const;

/** The trigger's function as synth resolved it: its id and timeout (the per-attempt timeout's default and bound). */
export interface TriggerTarget {
  readonly id: string;
  readonly timeoutSeconds: number;
}

/**
 * Validate a trigger's props (its target already resolved) into a graph node. `deadLetterFn` is the
 * id of `delivery.deadLetter` when that is a function of the same App (synth resolves it), null when
 * it is not a function, undefined when it names a function synth could not resolve.
 */
export function resolveTrigger(c: Checker, id: string, name: string, target: TriggerTarget, props: EventTriggerProps, deadLetterFn?: string | null): TriggerNode {
  const source = resolveSource(c, name, props);
  return { kind: "trigger", id, name, target: target.id, source, delivery: resolveDelivery(c, source, target, props.delivery, deadLetterFn) };
}

function resolveDelivery(c: Checker, source: TriggerSource, target: TriggerTarget, d: DeliveryProps | undefined, deadLetterFn: string | null | undefined): DeliveryData | null {
  if (source.type === "http") {
    if (d !== undefined) c.error("ZS-TRIGGER-DELIVERY-HTTP", "delivery", d, "is set on an http trigger, whose requests are answered to their client and never retried", "remove delivery, or use a queue trigger for work that must be retried");
    return null;
  }
  const retries = c.int("ZS-TRIGGER-DELIVERY-RETRIES", "delivery.retries", d?.retries, DELIVERY_DEFAULTS.retries, 0, DELIVERY_DEFAULTS.maxRetries);
  const policy = d?.backoff?.policy ?? DELIVERY_DEFAULTS.backoff.policy;
  if (!(BACKOFF_POLICIES as readonly string[]).includes(policy))
    c.error("ZS-TRIGGER-DELIVERY-BACKOFF", "delivery.backoff.policy", policy, "is not a backoff policy", `use ${BACKOFF_POLICIES.map((p) => `"${p}"`).join(" or ")}`);
  let delayMs: number = DELIVERY_DEFAULTS.backoff.delayMs;
  if (d?.backoff?.delay !== undefined) {
    const ms = toMillis(d.backoff.delay);
    const shown = typeof d.backoff.delay === "string" ? d.backoff.delay : d.backoff.delay.toString();
    if (ms === undefined || !Number.isInteger(ms) || ms < DELIVERY_DEFAULTS.minDelayMs || ms > DELIVERY_DEFAULTS.maxDelayMs)
      c.error("ZS-TRIGGER-DELIVERY-BACKOFF", "delivery.backoff.delay", shown, ms === undefined ? "is not a duration" : "is outside 10ms..1h", 'use a duration within 10ms..1h, e.g. "500ms" or "2s"');
    else delayMs = ms;
  }
  const timeoutSeconds = c.seconds("ZS-TRIGGER-DELIVERY-TIMEOUT", "delivery.timeout", d?.timeout, target.timeoutSeconds, 1, target.timeoutSeconds);
  let deadLetter: DeadLetterData | null = null;
  const dl = d?.deadLetter as unknown;
  if (dl !== undefined) {
    if (deadLetterFn) {
      if (deadLetterFn === target.id) c.error("ZS-TRIGGER-DEAD-LETTER", "delivery.deadLetter", deadLetterFn, "is the trigger's own target, which just failed every attempt", "send dead letters to another function or to a queue");
      deadLetter = { type: "function", target: deadLetterFn };
    } else if (deadLetterFn === null && typeof dl === "object" && dl !== null && typeof (dl as { queue?: unknown }).queue === "string" && Object.keys(dl).length === 1) {
      const queue = (dl as { queue: string }).queue;
      if (source.type !== "queue") c.error("ZS-TRIGGER-DEAD-LETTER", "delivery.deadLetter.queue", queue, "is a queue dead letter on a schedule trigger, which has no broker", "send a schedule's dead letters to a function");
      else if (queue === source.name) c.error("ZS-TRIGGER-DEAD-LETTER", "delivery.deadLetter.queue", queue, "is the queue the trigger consumes, so failed messages would be consumed again", `name another ${source.broker === "redis" ? "stream" : source.broker === "nats" ? "subject" : "queue"}, e.g. "${source.name}-dlq"`);
      else if (queue.length === 0 || queue.length > 249 || /\s/.test(queue) || (source.broker === "nats" && /(^\.|\.\.|\.$|[*>])/.test(queue)))
        c.error("ZS-TRIGGER-DEAD-LETTER", "delivery.deadLetter.queue", queue, "is not a valid stream, queue or subject name", "use 1 to 249 characters without spaces (a literal subject for nats)");
      deadLetter = { type: "queue", name: queue };
    } else if (deadLetterFn === null) {
      c.error("ZS-TRIGGER-DEAD-LETTER", "delivery.deadLetter", typeof dl === "object" ? JSON.stringify(dl) : String(dl), "is neither a ServerlessFunction nor { queue }", 'pass a ServerlessFunction of the same App, or { queue: "orders-dlq" }');
    }
  }
  return { retries, backoff: { policy, delayMs }, deadLetter, timeoutSeconds };
}

/** One resolver per trigger kind: a kind added to TRIGGER_KINDS fails to compile here until it has one (and a prop). */
const SOURCE_RESOLVERS: { readonly [K in TriggerKind]: (c: Checker, name: string, props: NonNullable<TriggerSourceProps[K]>) => TriggerSource } = {
  http: resolveHttp,
  schedule: resolveSchedule,
  queue: resolveQueue,
};

function resolveSource(c: Checker, name: string, props: EventTriggerProps): TriggerSource {
  const given = TRIGGER_KINDS.filter((k) => props[k] !== undefined);
  const [kind] = given;
  if (given.length !== 1 || kind === undefined) {
    const problem = given.length === 0 ? `none of ${TRIGGER_KINDS.join(", ")} is set` : `sets ${given.join(" and ")}`;
    c.error("ZS-TRIGGER-SOURCE", "(construct)", undefined, problem, `set exactly one of ${TRIGGER_KINDS.slice(0, -1).join(", ")} or ${TRIGGER_KINDS.at(-1)}; use one trigger per source`);
    return { type: "http", path: "/", methods: [], host: null };
  }
  const resolve = SOURCE_RESOLVERS[kind] as (c: Checker, name: string, props: unknown) => TriggerSource;
  return resolve(c, name, props[kind]);
}

function resolveHttp(c: Checker, _name: string, http: HttpSource): TriggerSource {
  const { path, methods = [], host } = http;
  if (!URL_PATH.test(path))
    c.error("ZS-TRIGGER-HTTP-PATH", "http.path", path, "is not a route path", 'start it with "/", with no trailing "/", spaces or "//", e.g. "/api"');
  const unique = [...new Set(methods)].sort();
  if (unique.length !== methods.length) c.error("ZS-TRIGGER-HTTP-METHODS", "http.methods", methods, "lists a method twice", "list each method once");
  if (host !== undefined && (host.length > 253 || !HOST_NAME.test(host)))
    c.error("ZS-TRIGGER-HTTP-HOST", "http.host", host, "is not a host name", 'use a lowercase DNS name such as "api.example.com"');
  return { type: "http", path, methods: unique, host: host ?? null };
}

function resolveSchedule(c: Checker, _name: string, schedule: ScheduleSource): TriggerSource {
  const { cron, timezone = DEFAULT_TIMEZONE, data = null } = schedule;
  const tzOk = c.timezone("ZS-TRIGGER-SCHEDULE-TZ", "schedule.timezone", timezone);
  c.cron("ZS-TRIGGER-SCHEDULE-CRON", "schedule.cron", cron, tzOk ? timezone : DEFAULT_TIMEZONE, true);
  if (!isJsonValue(data))
    c.error("ZS-TRIGGER-SCHEDULE-DATA", "schedule.data", String(data), "is not JSON data", "pass a string or a JSON value (objects, arrays, numbers, booleans, null)");
  return { type: "schedule", cron, timezone, data };
}

function resolveQueue(c: Checker, name: string, q: QueueSource): TriggerSource {
  let connection: { url: string } | { secret: string; key: string };
  if (typeof q.connection === "string") {
    connection = { url: q.connection };
    checkConnectionUrl(c, q.broker, q.connection);
  } else {
    const ref = q.connection as { secret?: unknown; key?: unknown };
    const secret = typeof ref.secret === "string" ? ref.secret : "";
    const key = typeof ref.key === "string" ? ref.key : "";
    if (!DNS1123_SUBDOMAIN.test(secret) || !SECRET_KEY.test(key) || Object.keys(ref).length !== 2)
      c.error("ZS-TRIGGER-QUEUE-CONNECTION", "queue.connection", q.connection, "is not a secret reference", 'pass { secret: "store-name", key: "url" }');
    connection = { secret, key };
  }
  if (q.name.length === 0 || q.name.length > 249 || /\s/.test(q.name))
    c.error("ZS-TRIGGER-QUEUE-NAME", "queue.name", q.name, "is not a valid stream, queue, topic or subject name", "use 1 to 249 characters without spaces");
  if (q.broker === "nats" && /(^\.|\.\.|\.$|[*>])/.test(q.name))
    c.error("ZS-TRIGGER-QUEUE-NAME", "queue.name", q.name, "is not a literal NATS subject", 'use dot-separated tokens without wildcards, e.g. "orders.created"');
  const consumerGroup = q.consumerGroup ?? name;
  if (consumerGroup.length === 0 || /\s/.test(consumerGroup))
    c.error("ZS-TRIGGER-QUEUE-GROUP", "queue.consumerGroup", consumerGroup, "is not a valid consumer group", "use a name without spaces, or leave it out for the trigger's derived name");
  return {
    type: "queue",
    broker: q.broker,
    connection,
    name: q.name,
    consumerGroup,
    batchSize: c.int("ZS-TRIGGER-QUEUE-BATCH", "queue.batchSize", q.batchSize, 1, 1, 1000),
  };
}

function checkConnectionUrl(c: Checker, broker: QueueBroker, text: string): void {
  const example = CONNECTION_EXAMPLE[broker];
  if (broker === "kafka") {
    const ok = text.split(",").every((hp) => /^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(hp.trim()));
    if (!ok) c.error("ZS-TRIGGER-QUEUE-CONNECTION", "queue.connection", text, "is not a list of Kafka bootstrap servers", `use host:port pairs separated by commas, e.g. ${example}`);
    return;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    c.error("ZS-TRIGGER-QUEUE-CONNECTION", "queue.connection", text, `is not a ${broker} URL`, `use e.g. ${example}`);
    return;
  }
  const schemes = URL_SCHEMES[broker];
  if (!schemes.includes(url.protocol)) {
    c.error("ZS-TRIGGER-QUEUE-CONNECTION", "queue.connection", text, `has scheme ${url.protocol} which ${broker} does not use`, `use ${schemes.join(" or ")} e.g. ${example}`);
  } else if (url.password !== "" || url.username !== "") {
    c.error(
      "ZS-TRIGGER-QUEUE-CREDENTIALS",
      "queue.connection",
      `${url.protocol}//***@${url.host}${url.pathname === "/" ? "" : url.pathname}`,
      "holds credentials in plain text, which would be written into every manifest",
      'put the URL in a secret store and pass { secret: "store-name", key: "url" }',
    );
  }
}

/** True for strings, finite numbers, booleans, null, and arrays/plain objects of those. */
function isJsonValue(v: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJsonValue(x, depth + 1));
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v as object).every((x) => isJsonValue(x, depth + 1));
  }
  return false;
}
