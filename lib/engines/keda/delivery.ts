import { honoured, type DeliveryModel } from "../../events/delivery.js";
import { Diagnostics } from "../../validation/diagnostic.js";

/**
 * KEDA scales; it delivers nothing. In push mode (the default) a zeroscale dispatcher per queue
 * trigger consumes the broker and POSTs each message with the delivery policy, and the schedule
 * CronJob's script retries the same way: everything honoured. Pull mode, and Kafka (which the
 * dispatcher does not consume), leave reading the broker to the function: no policy applies.
 */
export const kedaDelivery: DeliveryModel = (t, options) => {
  if (t.source.type !== "queue") return { delivery: honoured(t.delivery), diagnostics: [] };
  const pull = options.queueDelivery === "pull" ? 'keda({ queueDelivery: "pull" })' : t.source.broker === "kafka" ? "the dispatcher does not consume Kafka" : undefined;
  if (pull === undefined) return { delivery: honoured(t.delivery), diagnostics: [] };
  const d = new Diagnostics();
  d.warn(
    "ZS-KEDA-DELIVERY-PULL",
    t.id,
    "delivery",
    { retries: t.delivery.retries, deadLetter: t.delivery.deadLetter },
    `is not applied (${pull}): the function reads ${t.source.name} itself from ZEROSCALE_QUEUES, so retries, backoff, timeout and dead letter are its own (effective: none)`,
    t.source.broker === "kafka" ? "handle retries in the consumer, or use a redis, rabbitmq or nats queue for push delivery" : 'drop queueDelivery: "pull" for push delivery through the dispatcher',
  );
  return { delivery: { mode: "pull", retries: null, backoff: null, deadLetter: null, timeoutSeconds: null }, diagnostics: d.list("warning") };
};
