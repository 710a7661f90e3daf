import { honoured, type DeliveryModel } from "../../events/delivery.js";

/** zeroscale's gateway (dev, docker()) and the KEDA dispatcher honour every delivery field as declared. */
export const zeroscaleDelivery: DeliveryModel = (t) => ({ delivery: honoured(t.delivery), diagnostics: [] });
