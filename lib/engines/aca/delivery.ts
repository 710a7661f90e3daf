import { type DeliveryModel, honoured } from "../../events/delivery.js";
import { Diagnostics } from "../../validation/diagnostic.js";

/**
 * Container Apps: a schedule is a Container Apps job whose script (providers/aca/job.ts) applies the
 * whole delivery policy itself (retries with the declared backoff, the per-attempt timeout, then the
 * dead-letter function): honoured. A queue trigger only scales the app (a KEDA rule on the
 * backlog): nothing delivers its messages, the function pulls them, so no delivery policy applies
 * (ZS-ACA-QUEUE-PULL, the one warning about it).
 */
export const acaDelivery: DeliveryModel = (t) => {
  if (t.source.type !== "queue") return { delivery: honoured(t.delivery), diagnostics: [] };
  const s = t.source;
  const d = new Diagnostics();
  d.warn(
    "ZS-ACA-QUEUE-PULL",
    t.id,
    "queue",
    { broker: s.broker, name: s.name },
    `is scaled on but not delivered: Container Apps scales ${t.target} on the ${s.broker} backlog and sends it no messages, so the handler must pull them itself and no delivery policy applies (retries, backoff, timeout and dead letter are the consumer's own; effective: none)`,
    "consume in the function from ZEROSCALE_QUEUE_<n>_URL and ZEROSCALE_QUEUES (broker, name, consumerGroup, batchSize), as on keda(), and handle retries there; or deploy with keda() for push delivery with the policy",
  );
  return { delivery: { mode: "pull", retries: null, backoff: null, deadLetter: null, timeoutSeconds: null }, diagnostics: d.list("warning") };
};
