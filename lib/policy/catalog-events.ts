// Event delivery diagnostic codes: EventTrigger({ delivery }) and each engine's delivery model
// (lib/engines/<engine>/delivery.ts). Spread into CHECKS in ./catalog.ts; docs/policy.md lists them.
import type { CheckInfo } from "./catalog.js";

export const EVENT_CHECKS = [
  { code: "ZS-TRIGGER-DELIVERY-HTTP", severity: "error", scope: "EventTrigger", doc: "delivery on an http trigger: a request is answered to its client, never retried." },
  { code: "ZS-TRIGGER-DELIVERY-RETRIES", severity: "error", scope: "EventTrigger", doc: "delivery.retries is not a whole number within 0..100." },
  { code: "ZS-TRIGGER-DELIVERY-BACKOFF", severity: "error", scope: "EventTrigger", doc: "delivery.backoff: a policy other than exponential or linear, or a delay outside 10ms..1h." },
  { code: "ZS-TRIGGER-DELIVERY-TIMEOUT", severity: "error", scope: "EventTrigger", doc: "delivery.timeout is not whole seconds within 1s..the function's timeout." },
  { code: "ZS-TRIGGER-DEAD-LETTER", severity: "error", scope: "EventTrigger", doc: "delivery.deadLetter is not a function of the App nor { queue }, is the trigger's own target or queue, or is a queue on a schedule trigger." },
  { code: "ZS-KNATIVE-DEAD-LETTER-QUEUE", severity: "error", scope: "knative()", doc: "A queue dead letter: a Knative deadLetterSink is an addressable (a Service), not a queue." },
  { code: "ZS-KNATIVE-DELIVERY", severity: "warning", scope: "knative()", doc: "A delivery Knative runs differently: a backoff delay not in whole 100 ms (Knative truncates), or retries through a Channel (PingSource, RedisStreamSource, a RabbitmqSource with a dead letter or timeout), where the default InMemoryChannel counts retries from 0 and keeps nothing across a restart." },
  { code: "ZS-KEDA-DELIVERY-PULL", severity: "warning", scope: "keda()", doc: "A queue trigger in pull mode (keda({ queueDelivery: \"pull\" }), or a Kafka queue, which the dispatcher does not consume): the function reads the broker itself, so no delivery policy applies." },
  { code: "ZS-CLOUDRUN-DELIVERY", severity: "warning", scope: "cloudRun()", doc: "A schedule's delivery Cloud Scheduler's retryConfig cannot express exactly: more than 5 retries, linear beyond 3 retries, a dead letter (it has none), or a timeout outside attemptDeadline's 15 s..30 min. The warning gives the effective values." },
  { code: "ZS-LAMBDA-DELIVERY", severity: "warning", scope: "lambda()", doc: "A delivery Lambda runs differently: asynchronous invocations (schedules) retry at most twice, 1 and 2 min apart; Kafka and Amazon MQ mappings use AWS's own retries with no dead letter; an event to a function that also serves HTTP fails only on a 5xx; one async config per alias. The warning gives the effective values." },
] as const satisfies readonly CheckInfo[];
