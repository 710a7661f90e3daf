import { formatDurationMillis } from "../../duration.js";
import { describeDelivery, type DeliveryModel, type EffectiveDelivery, honoured } from "../../events/delivery.js";
import type { DeliveryData, TriggerNode } from "../../graph/types.js";
import { Diagnostics } from "../../validation/diagnostic.js";
import { assertNever, type QueueBroker } from "../../vocabulary.js";

/**
 * What AWS does with a failed schedule or queue event on Lambda (read 2026-12):
 * - EventBridge Scheduler "invokes your Lambda function asynchronously"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html). Its Target.RetryPolicy
 *   (MaximumRetryAttempts 0..185, default 185; MaximumEventAgeInSeconds 60..86400, default 86400) and
 *   DeadLetterConfig (an SQS queue ARN only) cover delivering the event to Lambda, with AWS's own
 *   exponential backoff (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html,
 *   API_Target.html).
 * - A function error of an asynchronous invocation is retried by Lambda: MaximumRetryAttempts 0..2
 *   (default 2), "a one-minute wait between the first two attempts, and two minutes between the
 *   second and third", MaximumEventAgeInSeconds 60..21600; an on-failure destination may be a Lambda
 *   function, which receives Lambda's invocation record (requestPayload = the event)
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html,
 *   invocation-async-configuring.html, AWS::Lambda::EventInvokeConfig).
 * - Kafka event source mappings (MSK, self-managed): the error handling controls (MaximumRetryAttempts
 *   0..10000, an on-failure destination such as a kafka:// topic) are configured "in provisioned mode"
 *   (billed event pollers, always on); the default -1 retries "until the record expires", holding back
 *   the partition (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html,
 *   kafka-on-failure-destination.html). lambda() creates on-demand mappings (nothing billed at zero).
 * - Amazon MQ event source mappings have no retry or destination settings: "Lambda does not support
 *   custom redelivery policies"; failed messages are redelivered by the broker, and a dead letter is
 *   the broker's (https://docs.aws.amazon.com/lambda/latest/dg/services-mq-errors.html).
 */
export const LAMBDA_DELIVERY = {
  schedulerMaxRetries: 185,
  schedulerMaxEventAgeSeconds: 86_400,
  asyncMaxRetries: 2,
  /** Lambda's waits before the second and third attempts of a failed asynchronous invocation. */
  asyncWaitsMs: [60_000, 120_000] as readonly number[],
} as const;

/** What lambda() configures for a schedule: the Scheduler's RetryPolicy and the alias's asynchronous invocation config. */
export interface LambdaScheduleRetry {
  /** EventBridge Scheduler Target.RetryPolicy (delivery of the event to Lambda). */
  readonly retryPolicy: { readonly maximumRetryAttempts: number; readonly maximumEventAgeInSeconds: number };
  /** Lambda's asynchronous invocation config (function errors): retries 0..2 and the dead-letter function's id. */
  readonly asyncInvoke: { readonly maximumRetryAttempts: number; readonly onFailure: string | null };
}

/** The settings closest to a schedule's declared delivery (the one mapping lambda() and the model share). */
export function lambdaScheduleRetry(d: DeliveryData): LambdaScheduleRetry {
  return {
    retryPolicy: { maximumRetryAttempts: Math.min(d.retries, LAMBDA_DELIVERY.schedulerMaxRetries), maximumEventAgeInSeconds: LAMBDA_DELIVERY.schedulerMaxEventAgeSeconds },
    asyncInvoke: { maximumRetryAttempts: Math.min(d.retries, LAMBDA_DELIVERY.asyncMaxRetries), onFailure: d.deadLetter?.type === "function" ? d.deadLetter.target : null },
  };
}

const NONE = { retries: null, backoff: null, deadLetter: null, timeoutSeconds: null } as const;

/** Each broker on Lambda: its effective delivery, or null where lambda() refuses the broker (no event source). */
const QUEUES: { readonly [B in QueueBroker]: { readonly delivery: EffectiveDelivery; readonly fix: string } | null } = {
  kafka: {
    delivery: { mode: "push", ...NONE, note: "Lambda's on-demand Kafka poller retries a failed batch until its records leave the topic, holding back their partition; bounded retries and an on-failure destination need the mapping's provisioned mode, which lambda() does not enable (billed pollers)" },
    fix: "answer 2xx for a message the function cannot process (after recording it), or deploy the consumer with keda() or knative() for bounded retries and a dead letter",
  },
  rabbitmq: {
    delivery: { mode: "push", ...NONE, note: "Lambda has no retry or destination settings for Amazon MQ: a failed batch goes back to the broker, which redelivers it by its own rules (a dead letter is a dead-letter exchange or a quorum queue's delivery-limit, configured on the broker)" },
    fix: "configure a dead-letter exchange and delivery limit on the Amazon MQ broker, answer 2xx for a message the function cannot process, or deploy with knative(), keda() or docker()",
  },
  redis: null,
  nats: null,
};

/**
 * Lambda: schedules are EventBridge Scheduler schedules invoking the alias asynchronously (retries
 * capped at 2 with Lambda's 1 min / 2 min waits; a dead-letter function is the alias's on-failure
 * destination); Kafka and Amazon MQ are event source mappings with AWS's own retry rules. One
 * ZS-LAMBDA-DELIVERY warning per trigger wherever the effective delivery differs. Redis and NATS
 * queues are refused by lambda() (no event source), so their delivery is never realised.
 */
export const lambdaDelivery: DeliveryModel = (t) => {
  const s = t.source;
  switch (s.type) {
    case "http":
      return { delivery: honoured(t.delivery), diagnostics: [] };
    case "schedule":
      return schedule(t as TriggerNode & { delivery: DeliveryData });
    case "queue": {
      const q = QUEUES[s.broker];
      if (q === null) return { delivery: honoured(t.delivery), diagnostics: [] };
      return { delivery: q.delivery, diagnostics: warning(t as TriggerNode & { delivery: DeliveryData }, q.delivery, [`the declared retries, backoff, timeout and dead letter are not applied to ${s.broker === "kafka" ? "a Kafka" : "an Amazon MQ"} event source mapping`], q.fix) };
    }
    default:
      return assertNever(s, "trigger source");
  }
};

function schedule(t: TriggerNode & { delivery: DeliveryData }) {
  const declared = t.delivery;
  const r = lambdaScheduleRetry(declared);
  const retries = r.asyncInvoke.maximumRetryAttempts;
  const deadLetter = declared.deadLetter?.type === "function" ? declared.deadLetter : null;
  const notes = [
    ...(retries > 0 ? [`Lambda waits ${LAMBDA_DELIVERY.asyncWaitsMs.slice(0, retries).map(formatDurationMillis).join(" then ")} between attempts`] : []),
    ...(deadLetter ? [`the dead letter receives Lambda's invocation record, the event in its requestPayload`] : []),
  ];
  const effective: EffectiveDelivery = {
    mode: "push",
    retries,
    backoff: retries === 0 ? declared.backoff : null,
    deadLetter,
    timeoutSeconds: null,
    ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
  };
  const differs: string[] = [];
  if (declared.retries > retries) differs.push(`${declared.retries} retries (Lambda retries a failed asynchronous invocation at most ${LAMBDA_DELIVERY.asyncMaxRetries} times)`);
  if (retries > 0) differs.push(`${declared.backoff.policy} backoff from ${formatDurationMillis(declared.backoff.delayMs)} (Lambda's waits are fixed)`);
  if (differs.length === 0) return { delivery: effective, diagnostics: [] };
  return { delivery: effective, diagnostics: warning(t, effective, differs, "declare retries: 0 to state that a failed run waits for the next schedule, or deploy with knative(), keda() or docker() for the declared retries and backoff") };
}

function warning(t: TriggerNode & { delivery: DeliveryData }, effective: EffectiveDelivery, differs: readonly string[], fix: string) {
  const declared = t.delivery;
  const d = new Diagnostics();
  d.warn(
    "ZS-LAMBDA-DELIVERY",
    t.id,
    "delivery",
    { retries: declared.retries, backoff: declared.backoff, deadLetter: declared.deadLetter, timeoutSeconds: declared.timeoutSeconds },
    `is approximated on Lambda: ${differs.join("; ")}; effective: ${describeDelivery(effective)}`,
    fix,
  );
  return d.list("warning");
}
