/** Every engine's delivery model, by name: adding an engine to ENGINES fails to compile here until it has one. */
import type { DeliveryData, TriggerNode } from "../graph/types.js";
import type { Diagnostic } from "../validation/diagnostic.js";
import type { EngineName } from "../vocabulary.js";
import { acaDelivery } from "../engines/aca/delivery.js";
import { cloudrunDelivery } from "../engines/cloudrun/delivery.js";
import { kedaDelivery } from "../engines/keda/delivery.js";
import { knativeDelivery } from "../engines/knative/delivery.js";
import { lambdaDelivery } from "../engines/lambda/delivery.js";
import { zeroscaleDelivery } from "../engines/zeroscale/delivery.js";
import type { DeliveryModel, DeliveryOptions, EffectiveDelivery } from "./delivery.js";

export const DELIVERY_MODELS: { readonly [E in EngineName]: DeliveryModel } = {
  zeroscale: zeroscaleDelivery,
  knative: knativeDelivery,
  keda: kedaDelivery,
  cloudrun: cloudrunDelivery,
  aca: acaDelivery,
  lambda: lambdaDelivery,
};

/**
 * What `engine` does with trigger `t`'s delivery policy, and a diagnostic wherever that differs from
 * the declared one. Null for http triggers (no delivery). Every consumer asks here.
 */
export function effectiveDelivery(engine: EngineName, t: TriggerNode, options: DeliveryOptions = {}): { delivery: EffectiveDelivery | null; diagnostics: readonly Diagnostic[] } {
  if (t.delivery === null) return { delivery: null, diagnostics: [] };
  return DELIVERY_MODELS[engine](t as TriggerNode & { delivery: DeliveryData }, options);
}
