import { readFileSync } from "node:fs";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  BACKOFF_POLICIES,
  METRIC_TYPES,
  type MetricType,
  QUEUE_BROKERS,
  type QueueBroker,
  type ScalingMetric,
  TRIGGER_KINDS,
  type TriggerKind,
  type TriggerSource,
  type TriggerSourceByKind,
  type TriggerSourceProps,
} from "zeroscale";
import { POLICY_PROPS_SCHEMA, TRIGGER_PROPS_SCHEMA } from "../lib/validation/shape-schemas.js";

// The shipped JSON Schema, read as the file users get (not through the TypeScript import).
const graphSchema = JSON.parse(readFileSync(new URL("../lib/graph/graph.schema.json", import.meta.url), "utf8"));
const triggerSources: { properties: Record<string, { const?: string; enum?: string[] }> }[] = graphSchema.definitions.triggerNode.properties.source.oneOf;

describe("vocabulary: graph.schema.json matches the const arrays", () => {
  it("lists exactly one trigger source per TRIGGER_KINDS entry", () => {
    expect(triggerSources.map((s) => s.properties["type"]?.const)).toEqual([...TRIGGER_KINDS]);
  });

  it("enumerates exactly QUEUE_BROKERS for the queue source's broker", () => {
    const queue = triggerSources.find((s) => s.properties["type"]?.const === "queue");
    expect(queue?.properties["broker"]?.enum).toEqual([...QUEUE_BROKERS]);
  });

  it("enumerates exactly METRIC_TYPES for a policy's metric type", () => {
    expect(graphSchema.definitions.scalingPolicyNode.properties.metric.properties.type.enum).toEqual([...METRIC_TYPES]);
  });
});

describe("vocabulary: the ajv shape schemas derive from the const arrays", () => {
  it("queue.broker", () => {
    const broker = TRIGGER_PROPS_SCHEMA.properties.queue.properties.broker;
    expect(broker.enum).toEqual([...QUEUE_BROKERS]);
    expect(broker["x-fix"]).toBe(`set queue.broker to ${QUEUE_BROKERS.slice(0, -1).map((b) => `"${b}"`).join(", ")} or "${QUEUE_BROKERS.at(-1)}"`);
  });

  it("one trigger prop per kind, one metric key per metric type", () => {
    expect(Object.keys(TRIGGER_PROPS_SCHEMA.properties)).toEqual([...TRIGGER_KINDS, "delivery"]); // one prop per kind, plus the delivery policy
    expect(TRIGGER_PROPS_SCHEMA.properties.delivery.properties.backoff.properties.policy.enum).toEqual([...BACKOFF_POLICIES]);
    expect(Object.keys(POLICY_PROPS_SCHEMA.properties.metric.properties)).toEqual([...METRIC_TYPES]);
  });
});

describe("vocabulary: the TypeScript unions are the const arrays' members", () => {
  it("(checked by tsc)", () => {
    expectTypeOf<QueueBroker>().toEqualTypeOf<(typeof QUEUE_BROKERS)[number]>();
    expectTypeOf<TriggerSource["type"]>().toEqualTypeOf<TriggerKind>();
    expectTypeOf<keyof TriggerSourceByKind>().toEqualTypeOf<TriggerKind>();
    expectTypeOf<Extract<TriggerSource, { type: "queue" }>["broker"]>().toEqualTypeOf<QueueBroker>();
    expectTypeOf<keyof TriggerSourceProps>().toEqualTypeOf<TriggerKind>();
    expectTypeOf<ScalingMetric extends infer M ? (M extends unknown ? keyof M : never) : never>().toEqualTypeOf<MetricType>();
  });
});
