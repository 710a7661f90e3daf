// Witnesses of the keda() backend's event-delivery codes that no test/invalid/ program produces (test/support/witness.ts).
import { fnApp, redis, type Witnesses } from "../witness.js";

export const WITNESSES: Witnesses = {
  // pull mode: the function reads its queue itself, so its delivery policy is not applied
  "ZS-KEDA-DELIVERY-PULL": { backend: "keda", options: { queueDelivery: "pull" }, app: fnApp(redis) },
};
