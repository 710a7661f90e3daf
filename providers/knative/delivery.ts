import { knativeDeliveryPath, knativeMillis, type KnativeSourceKind, SOURCE_DELIVERY_FIELDS } from "../../lib/engines/knative/delivery.js";
import { type EffectiveDelivery } from "../../lib/events/delivery.js";
import { effectiveDelivery } from "../../lib/events/models.js";
import { assertNever, type FunctionNode, type TriggerNode } from "../../lib/index.js";
import { objectMeta } from "../kubernetes/meta.js";
import type { KubeContext } from "../kubernetes/plan.js";

/** A Knative `duckv1.Destination` naming a Knative Service or a Channel by reference. */
export interface KnativeDestination {
  readonly ref: { readonly apiVersion: string; readonly kind: string; readonly name: string };
}

/** Knative Eventing's `DeliverySpec` (eventing pkg/apis/duck/v1/delivery_types.go), the fields zeroscale sets. */
export interface KnativeDeliverySpec {
  /** Attempts after the first. */
  readonly retry?: number;
  readonly backoffPolicy?: "exponential" | "linear";
  /** ISO-8601 duration, e.g. "PT0.5S". */
  readonly backoffDelay?: string;
  /** ISO-8601 duration per attempt (Eventing's `delivery-timeout` feature: Beta, enabled by default in config-features). */
  readonly timeout?: string;
  readonly deadLetterSink?: KnativeDestination;
}

export type { KnativeSourceKind } from "../../lib/engines/knative/delivery.js";

/** Where a source sends its events and the delivery spec it carries itself, if any. */
export interface DeliveryRoute {
  /** The source's `spec.sink`: the function's Service, or the trigger's Channel. */
  readonly sink: KnativeDestination;
  /** The source's own `spec.delivery` (undefined: the source gets none). */
  readonly delivery: KnativeDeliverySpec | undefined;
  /** Keys of the resources the source must come after. */
  readonly dependsOn: readonly string[];
}

/** A reference to function `fn`'s Knative Service. */
export function serviceRef(fn: FunctionNode): KnativeDestination {
  return { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: fn.name } };
}

/**
 * Milliseconds as an ISO-8601 duration in seconds ("PT0.5S", "PT1S", "PT3600S"). Knative parses
 * these with rickb777/date's period, which keeps one decimal place of each field (the rest is
 * truncated), so the value is written at that resolution: 100 ms.
 */
export function isoDuration(ms: number): string {
  const tenths = knativeMillis(ms) / 100;
  return `PT${Math.floor(tenths / 10)}${tenths % 10 ? `.${tenths % 10}` : ""}S`;
}

/** An effective delivery as a Knative DeliverySpec (every field it has a value for). */
export function deliverySpec(ctx: KubeContext, e: EffectiveDelivery): KnativeDeliverySpec {
  const dl = e.deadLetter;
  return {
    ...(e.retries === null ? {} : { retry: e.retries }),
    ...(e.backoff === null ? {} : { backoffPolicy: e.backoff.policy, backoffDelay: isoDuration(e.backoff.delayMs) }),
    ...(e.timeoutSeconds === null ? {} : { timeout: isoDuration(e.timeoutSeconds * 1000) }),
    ...(dl?.type === "function" ? { deadLetterSink: serviceRef(ctx.fn(dl.target)) } : {}),
  };
}

/**
 * Where trigger `t`'s events go on Knative, compiled from the Knative delivery model
 * (`effectiveDelivery("knative", t)`; its diagnostics are added to `ctx.diags` at once, so they are
 * reported even when the source is not emitted). The returned function, called with the source's
 * kind when the source is emitted, decides:
 *
 * - a source whose own `spec.delivery` has every field the effective delivery needs sends straight to
 *   the function's Service and carries the spec (KafkaSource always; RabbitmqSource when there is no
 *   dead letter and the per-attempt timeout is the function's own, which Serving's `timeoutSeconds`
 *   already enforces on each request);
 * - otherwise (PingSource, RedisStreamSource, a RabbitmqSource with a dead letter or a shorter
 *   timeout) the source sends to a `messaging.knative.dev/v1` Channel named after the trigger (the
 *   cluster's default channel implementation, from `default-ch-webhook`), and a Subscription of the
 *   same name delivers from it to the Service with the spec. The channel acknowledges each event to
 *   the source once it holds it, so from there its durability is the channel implementation's
 *   (InMemoryChannel keeps nothing across a dispatcher restart; KafkaChannel does).
 *
 * `services` gives the plan key of a function's Service (the Subscription and the source come after
 * the Services they name).
 */
export function deliveryRouter(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, services: (fnId: string) => string): (kind: KnativeSourceKind) => DeliveryRoute {
  const { delivery: e, diagnostics } = effectiveDelivery("knative", t, { functionTimeoutSeconds: fn.timeoutSeconds });
  for (const d of diagnostics) ctx.diags.add(d);
  const direct = (delivery: KnativeDeliverySpec | undefined, deps: readonly string[] = []): DeliveryRoute => ({ sink: serviceRef(fn), delivery, dependsOn: [services(fn.id), ...deps] });
  return (kind) => {
    if (e === null || t.delivery === null) return direct(undefined);
    switch (e.mode) {
      case "pull":
        return direct(undefined);
      case "push":
        break;
      default:
        return assertNever(e.mode, "delivery mode");
    }
    const spec = deliverySpec(ctx, e);
    const deadLetterDeps = e.deadLetter?.type === "function" ? [services(e.deadLetter.target)] : [];
    // The layout is the Knative model's (lib/engines/knative/delivery.ts), so its warnings describe what is emitted.
    if (knativeDeliveryPath({ ...t, delivery: t.delivery }, fn.timeoutSeconds) === "source") {
      const fields = SOURCE_DELIVERY_FIELDS[kind];
      const own = Object.fromEntries(fields.filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]])) as KnativeDeliverySpec;
      return direct(Object.keys(own).length ? own : undefined, deadLetterDeps);
    }
    return channelled(ctx, fn, t, spec, [services(fn.id), ...deadLetterDeps]);
  };
}

/** The trigger's Channel and its Subscription to the function's Service with `spec`; the source's sink is the Channel. */
function channelled(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, spec: KnativeDeliverySpec, subscriberDeps: readonly string[]): DeliveryRoute {
  const channel = { apiVersion: "messaging.knative.dev/v1", kind: "Channel", name: t.name };
  const channelKey = ctx.add(fn, { apiVersion: channel.apiVersion, kind: channel.kind, metadata: objectMeta(ctx, fn, t.name, "channel", t.id), spec: {} });
  const subscriptionKey = ctx.add(
    fn,
    {
      apiVersion: "messaging.knative.dev/v1",
      kind: "Subscription",
      metadata: objectMeta(ctx, fn, t.name, "subscription", t.id),
      spec: { channel, subscriber: serviceRef(fn), delivery: spec },
    },
    [channelKey, ...subscriberDeps],
  );
  // The source comes after the Subscription too: a Channel drops what it gets while it has no subscriber.
  return { sink: { ref: channel }, delivery: undefined, dependsOn: [channelKey, subscriptionKey] };
}
