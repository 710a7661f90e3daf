// Triggers on Lambda: API Gateway routes or a Function URL, EventBridge Scheduler schedules, and
// event source mappings (Kafka: MSK or self-managed; RabbitMQ: Amazon MQ only). Pure.
import { toAwsCron } from "../../lib/engines/lambda/cron.js";
import { LAMBDA_DEFAULTS } from "../../lib/engines/lambda/defaults.js";
import { lambdaScheduleRetry } from "../../lib/engines/lambda/delivery.js";
import { type Diagnostics, type FunctionNode, type QueueBroker, type TriggerNode, type TriggerSourceByKind } from "../../lib/index.js";
import type { LambdaHttpFront, LambdaQueue, LambdaSchedule } from "./plan.js";

/** An Amazon MQ (RabbitMQ) broker a queue trigger reads from. */
export interface AmazonMqSource {
  /** The broker's ARN: `arn:aws:mq:<region>:<account>:broker:<name>:<id>`. */
  readonly brokerArn: string;
  /** The Secrets Manager secret with the broker's `username` and `password` (the mapping's BASIC_AUTH). */
  readonly credentialsSecretArn: string;
  /** The RabbitMQ virtual host. @default "/" */
  readonly virtualHost?: string;
}

/** The trigger settings lambda() takes besides the graph (by trigger id). */
export interface LambdaTriggerSettings {
  readonly httpFront: LambdaHttpFront;
  readonly kafkaClusters: Readonly<Record<string, string>>;
  readonly amazonMq: Readonly<Record<string, AmazonMqSource>>;
}

const MSK_ARN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[\w-]+\/[\w-]+$/;
const MQ_ARN = /^arn:aws[a-z-]*:mq:[a-z0-9-]+:\d{12}:broker:[\w-]+:b-[0-9a-f-]+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;

/** EventBridge Scheduler's context attribute for the time a firing was scheduled, e.g. 2022-03-22T18:59:43Z (replaced in Target.Input). */
const SCHEDULED_TIME = "<aws.scheduler.scheduled-time>";

/** API Gateway HTTP API routes of an HTTP trigger: the path and everything under it, per method. */
export function httpRoutes(s: TriggerSourceByKind["http"]): string[] {
  const path = s.path === "/" ? "" : s.path.replace(/\/+$/, "");
  const methods = s.methods.length === 0 ? ["ANY"] : [...s.methods].sort();
  return methods.flatMap((m) => [`${m} ${path || "/"}`, `${m} ${path}/{proxy+}`]);
}

export function httpTrigger(d: Diagnostics, fn: FunctionNode, t: TriggerNode, s: TriggerSourceByKind["http"], settings: LambdaTriggerSettings, httpCount: number): string[] | undefined {
  if (s.host !== null) {
    d.error("ZS-LAMBDA-HTTP-HOST", t.id, "http.host", s.host, "cannot be routed: lambda() creates no custom domain (certificate and DNS) for the API", "remove host (routes then match on the API's own host), and map your domain to the API yourself");
    return undefined;
  }
  if (settings.httpFront === "functionUrl") {
    if (s.path !== "/" || s.methods.length > 0 || httpCount > 1) {
      d.warn("ZS-LAMBDA-URL-ROUTES", t.id, s.methods.length > 0 ? "http.methods" : "http.path", s.methods.length > 0 ? s.methods : s.path, `is not matched: a Function URL sends every path and method to ${fn.id}`, 'check the path and method in the function, or use lambda({ http: "apiGateway" }) (routes by method and path)');
    }
    return [];
  }
  if (fn.timeoutSeconds > LAMBDA_DEFAULTS.httpApiTimeoutSeconds) {
    d.warn("ZS-LAMBDA-HTTP-TIMEOUT", t.id, "timeout", `${fn.timeoutSeconds}s`, `is cut to ${LAMBDA_DEFAULTS.httpApiTimeoutSeconds}s for HTTP requests: the API Gateway HTTP API ends every integration at ${LAMBDA_DEFAULTS.httpApiTimeoutSeconds}s (schedules and queues get the full ${fn.timeoutSeconds}s)`, `set timeout to at most 30s, or use lambda({ http: "functionUrl" }) (up to ${LAMBDA_DEFAULTS.timeoutMaxSeconds}s)`);
  }
  return httpRoutes(s);
}

export function scheduleTrigger(d: Diagnostics, fn: FunctionNode, t: TriggerNode, s: TriggerSourceByKind["schedule"]): LambdaSchedule | undefined {
  const aws = toAwsCron(s.cron);
  if (!aws.ok) {
    d.error("ZS-LAMBDA-CRON", t.id, "schedule.cron", s.cron, `${aws.problem} (EventBridge Scheduler takes AWS's cron(minutes hours day-of-month month day-of-week year))`, aws.fix);
    return undefined;
  }
  // A CloudEvent in structured JSON mode; the Lambda Web Adapter POSTs it to AWS_LWA_PASS_THROUGH_PATH.
  // The id is the trigger and its scheduled time (EventBridge Scheduler's context attribute), the same
  // on every retry of a firing, as on the other backends; the execution id changes per attempt.
  const event = { specversion: "1.0", type: "dev.zeroscale.schedule", source: `/zeroscale/${t.id}`, id: `${t.id}@${SCHEDULED_TIME}`, time: SCHEDULED_TIME, ...(s.data === null ? {} : { datacontenttype: typeof s.data === "string" ? "text/plain" : "application/json", data: s.data }) };
  const { retryPolicy } = lambdaScheduleRetry(t.delivery as NonNullable<TriggerNode["delivery"]>);
  return { trigger: t.id, name: t.name, expression: aws.expression, timezone: s.timezone, input: JSON.stringify(event), retryPolicy };
}

/** Each broker on Lambda: its event source, or the refusal. */
const BROKERS: { readonly [B in QueueBroker]: (d: Diagnostics, t: TriggerNode, s: TriggerSourceByKind["queue"], url: string, settings: LambdaTriggerSettings) => LambdaQueue | undefined } = {
  kafka(d, t, s, url, settings) {
    const cluster = settings.kafkaClusters[t.id];
    if (cluster !== undefined) {
      if (!MSK_ARN.test(cluster)) {
        d.error("ZS-LAMBDA-QUEUE-ARN", t.id, `kafkaClusters["${t.id}"]`, cluster, "is not an Amazon MSK cluster ARN", 'give "arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>"');
        return undefined;
      }
      return { trigger: t.id, kind: "msk", clusterArn: cluster, topic: s.name, consumerGroup: s.consumerGroup, batchSize: s.batchSize };
    }
    return { trigger: t.id, kind: "kafka", bootstrapServers: url, topic: s.name, consumerGroup: s.consumerGroup, batchSize: s.batchSize };
  },
  rabbitmq(d, t, s, _url, settings) {
    const mq = settings.amazonMq[t.id];
    if (mq === undefined) {
      d.error("ZS-LAMBDA-QUEUE-RABBITMQ", t.id, "queue.broker", "rabbitmq", "is read by Lambda only from an Amazon MQ broker, and lambda() was given none for this trigger", `pass lambda({ amazonMq: { "${t.id}": { brokerArn, credentialsSecretArn } } }), or deploy with knative(), keda() or docker()`);
      return undefined;
    }
    for (const [prop, arn, re, what] of [["brokerArn", mq.brokerArn, MQ_ARN, "an Amazon MQ broker ARN"], ["credentialsSecretArn", mq.credentialsSecretArn, SECRET_ARN, "a Secrets Manager secret ARN"]] as const) {
      if (!re.test(arn)) {
        d.error("ZS-LAMBDA-QUEUE-ARN", t.id, `amazonMq["${t.id}"].${prop}`, arn, `is not ${what}`, prop === "brokerArn" ? 'give "arn:aws:mq:<region>:<account>:broker:<name>:b-<id>"' : 'give "arn:aws:secretsmanager:<region>:<account>:secret:<name>"');
        return undefined;
      }
    }
    return { trigger: t.id, kind: "amazonMq", brokerArn: mq.brokerArn, credentialsSecretArn: mq.credentialsSecretArn, virtualHost: mq.virtualHost ?? "/", queue: s.name, batchSize: s.batchSize };
  },
  redis(d, t) {
    d.error("ZS-LAMBDA-QUEUE-REDIS", t.id, "queue.broker", "redis", "has no Lambda event source: Lambda cannot consume Redis streams", "use Kafka (MSK or self-managed) or RabbitMQ on Amazon MQ, or deploy with knative(), keda() or docker()");
    return undefined;
  },
  nats(d, t) {
    d.error("ZS-LAMBDA-QUEUE-NATS", t.id, "queue.broker", "nats", "has no Lambda event source: Lambda cannot consume NATS", "use Kafka (MSK or self-managed) or RabbitMQ on Amazon MQ, or deploy with keda()");
    return undefined;
  },
};

export function queueTrigger(d: Diagnostics, t: TriggerNode, s: TriggerSourceByKind["queue"], settings: LambdaTriggerSettings): LambdaQueue | undefined {
  if ("secret" in s.connection) {
    if (s.broker === "redis" || s.broker === "nats") return BROKERS[s.broker](d, t, s, "", settings);
    d.error("ZS-LAMBDA-QUEUE-SECRET", t.id, "queue.connection", s.connection, "cannot come from a secret on Lambda: an event source mapping takes its brokers in its own configuration", s.broker === "kafka" ? 'pass the bootstrap servers as a string ("host:9092,host2:9092"), or an MSK cluster in lambda({ kafkaClusters })' : "pass the broker in lambda({ amazonMq }) and any connection string");
    return undefined;
  }
  return BROKERS[s.broker](d, t, s, s.connection.url, settings);
}

