// knative(): each schedule/queue trigger's delivery policy (retries, backoff, dead letter, timeout) as
// Knative's DeliverySpec: on the KafkaSource / RabbitmqSource itself, or on the Subscription of the
// trigger's Channel for the sources that have no delivery field (PingSource, RedisStreamSource) and for
// a RabbitmqSource whose own spec.delivery lacks a field the policy needs. Every object is validated
// against the upstream CRD schemas vendored in test/schemas/knative (strictly: an unknown field fails).
import { describe, expect, it } from "vitest";
import { App, type DeliveryProps, formatDiagnostic, ServerlessFunction, synth, type TriggerSourceProps } from "zeroscale";
import { type KubeObject, type KubePlan, knative } from "zeroscale/providers/knative";
import { isoDuration } from "../providers/knative/delivery.js";
import { UPSTREAM_CRDS, upstreamSchema } from "./support/crd-schemas.js";
import { validateManifest } from "./support/models.js";

const compile = (app: App) => knative({ namespace: "shop" }).compile(synth(app));
const manifests = (plan: KubePlan) => plan.resources.map((r) => r.manifest) as (KubeObject & { spec: any })[];
const of = (plan: KubePlan, kind: string) => manifests(plan).filter((m) => m.kind === kind);
const one = (plan: KubePlan, kind: string) => {
  const found = of(plan, kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as KubeObject & { spec: any };
};
const errorsOf = (app: App) => {
  try {
    compile(app);
    return [];
  } catch (e) {
    return (e as { errors: Parameters<typeof formatDiagnostic>[0][] }).errors;
  }
};

/** An app with function `fn` (30 s timeout) whose one trigger is `trigger`, and a dead-letter function `dead`. */
function appWith(trigger: (dead: ServerlessFunction) => TriggerSourceProps & { delivery?: DeliveryProps }) {
  const app = new App({ name: "shop" });
  const fn = new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1", timeout: "30s" });
  const dead = new ServerlessFunction(app, "dead", { image: "r.example.com/dead:1" });
  fn.addTrigger("t", trigger(dead));
  return app;
}

const DELIVERY = (dead: ServerlessFunction) => ({ retries: 5, backoff: { policy: "linear" as const, delay: "500ms" }, deadLetter: dead, timeout: "10s" });
const SOURCES = {
  schedule: { schedule: { cron: "0 3 * * *" } },
  redis: { queue: { broker: "redis" as const, connection: "redis://cache:6379", name: "orders" } },
  kafka: { queue: { broker: "kafka" as const, connection: "k0:9092", name: "events" } },
  rabbitmq: { queue: { broker: "rabbitmq" as const, connection: { secret: "mq", key: "uri" }, name: "jobs" } },
};

describe("knative: delivery { retries: 5, linear from 500ms, dead letter fn, 10s } on a schedule and each queue broker", () => {
  const plans = Object.fromEntries(Object.entries(SOURCES).map(([k, source]) => [k, compile(appWith((dead) => ({ ...source, delivery: DELIVERY(dead) })))])) as Record<keyof typeof SOURCES, KubePlan>;
  const fnService = (p: KubePlan) => of(p, "Service").find((s) => s.metadata.annotations["zeroscale.dev/owner"] === "shop/fn")?.metadata.name as string;
  const deadService = (p: KubePlan) => of(p, "Service").find((s) => s.metadata.annotations["zeroscale.dev/owner"] === "shop/dead")?.metadata.name as string;
  const spec = (p: KubePlan) => ({
    retry: 5,
    backoffPolicy: "linear",
    backoffDelay: "PT0.5S",
    timeout: "PT10S",
    deadLetterSink: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: deadService(p) } },
  });

  it("kafka: the KafkaSource carries the whole DeliverySpec and sends to the Service (no Channel)", () => {
    const p = plans.kafka;
    const src = one(p, "KafkaSource");
    expect(src.spec.delivery).toEqual(spec(p));
    expect(src.spec.sink).toEqual({ ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: fnService(p) } });
    expect(of(p, "Channel")).toEqual([]);
    expect(of(p, "Subscription")).toEqual([]);
    // after both Services: its sink and its dead letter sink
    expect(p.resources.find((r) => r.manifest.kind === "KafkaSource")?.dependsOn).toEqual([`serving.knative.dev/v1/Service/${fnService(p)}`, `serving.knative.dev/v1/Service/${deadService(p)}`]);
  });

  for (const [name, kind] of [
    ["schedule", "PingSource"],
    ["redis", "RedisStreamSource"],
    ["rabbitmq", "RabbitmqSource"],
  ] as const) {
    it(`${name}: the ${kind} sends to the trigger's Channel; its Subscription delivers to the Service with the DeliverySpec`, () => {
      const p = plans[name];
      const src = one(p, kind);
      const channel = one(p, "Channel");
      const sub = one(p, "Subscription");
      // one name for the trigger's chain: the trigger's stable DNS-1035 name
      expect(channel.metadata.name).toBe(src.metadata.name);
      expect(sub.metadata.name).toBe(src.metadata.name);
      expect(src.metadata.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
      expect(src.metadata.name.length).toBeLessThanOrEqual(63);
      expect(channel.metadata.annotations).toMatchObject({ "zeroscale.dev/owner": "shop/fn", "zeroscale.dev/path": "shop/fn/t" });
      const ref = { apiVersion: "messaging.knative.dev/v1", kind: "Channel", name: channel.metadata.name };
      expect(src.spec.sink).toEqual({ ref });
      expect(src.spec.delivery).toBeUndefined();
      expect(channel.spec).toEqual({});
      expect(sub.spec).toEqual({ channel: ref, subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: fnService(p) } }, delivery: spec(p) });
      // creation order: Services, Channel, Subscription (after the Channel and both Services), the source (after both: a Channel drops events while it has no subscriber)
      expect(p.resources.map((r) => r.manifest.kind)).toEqual(["Service", "Service", "Channel", "Subscription", kind]);
      const deps = Object.fromEntries(p.resources.map((r) => [r.manifest.kind, r.dependsOn]));
      const channelKey = `messaging.knative.dev/v1/Channel/${channel.metadata.name}`;
      expect(deps["Subscription"]).toEqual([channelKey, `serving.knative.dev/v1/Service/${fnService(p)}`, `serving.knative.dev/v1/Service/${deadService(p)}`]);
      expect(deps[kind]).toEqual([channelKey, `messaging.knative.dev/v1/Subscription/${sub.metadata.name}`]);
    });
  }

  it("every emitted object validates against its upstream CRD schema (PingSource and Services: their npm models)", () => {
    const checks = Object.fromEntries(Object.entries(plans).map(([name, p]) => [name, manifests(p).map((m) => `${m.kind}:${validateManifest(m)}`)]));
    const services = ["Service:model", "Service:model"];
    expect(checks).toEqual({
      schedule: [...services, "Channel:upstream", "Subscription:upstream", "PingSource:model"],
      redis: [...services, "Channel:upstream", "Subscription:upstream", "RedisStreamSource:upstream"],
      kafka: [...services, "KafkaSource:upstream"],
      rabbitmq: [...services, "Channel:upstream", "Subscription:upstream", "RabbitmqSource:upstream"],
    });
  });

  it("is deterministic: the same app compiles to the same YAML", () => {
    for (const [name, source] of Object.entries(SOURCES)) {
      const yaml = () => knative().artifacts(compile(appWith((dead) => ({ ...source, delivery: DELIVERY(dead) })))).map((f) => f.content);
      expect(yaml(), name).toEqual(yaml());
    }
  });

  it("a NATS queue is still refused (no Knative source), its delivery notwithstanding", () => {
    const errors = errorsOf(appWith((dead) => ({ queue: { broker: "nats", connection: "nats://n:4222", name: "o" }, delivery: DELIVERY(dead) })));
    expect(errors.map((e) => e.code)).toEqual(["ZS-KNATIVE-QUEUE-NATS"]);
  });
});

describe("knative: RabbitmqSource's own delivery (retry, backoffPolicy, backoffDelay only)", () => {
  it("no dead letter and the function's own timeout: on the source, which keeps the message in RabbitMQ while it retries", () => {
    const p = compile(appWith(() => ({ ...SOURCES.rabbitmq, delivery: { retries: 2, backoff: { policy: "exponential", delay: "1500ms" } } })));
    expect(one(p, "RabbitmqSource").spec.delivery).toEqual({ retry: 2, backoffPolicy: "exponential", backoffDelay: "PT1.5S" });
    expect(of(p, "Channel")).toEqual([]);
    for (const m of manifests(p)) validateManifest(m);
  });

  it("a timeout shorter than the function's: through the Channel, whose Subscription has the timeout", () => {
    const p = compile(appWith(() => ({ ...SOURCES.rabbitmq, delivery: { timeout: "5s" } })));
    expect(one(p, "RabbitmqSource").spec.delivery).toBeUndefined();
    expect(one(p, "Subscription").spec.delivery).toEqual({ retry: 3, backoffPolicy: "exponential", backoffDelay: "PT1S", timeout: "PT5S" });
    for (const m of manifests(p)) validateManifest(m);
  });

  it("the schema agrees: a deadLetterSink or a timeout on RabbitmqSource's spec.delivery is an unknown field", () => {
    const p = compile(appWith(() => SOURCES.rabbitmq));
    const src = one(p, "RabbitmqSource");
    expect(validateManifest(src)).toBe("upstream");
    for (const extra of [{ deadLetterSink: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "x" } } }, { timeout: "PT5S" }]) {
      const broken = structuredClone(src);
      Object.assign(broken.spec.delivery, extra);
      expect(() => validateManifest(broken)).toThrow(/must NOT have additional properties/);
    }
  });
});

describe("knative: the delivery model's diagnostics reach the plan", () => {
  it("a queue dead letter is refused: a deadLetterSink is an addressable", () => {
    const errors = errorsOf(appWith(() => ({ ...SOURCES.kafka, delivery: { deadLetter: { queue: "events-dlq" } } })));
    expect(errors.map(formatDiagnostic)).toEqual([expect.stringMatching(/^shop\/fn\/t: delivery\.deadLetter\.queue \("events-dlq"\) is a queue, but a Knative deadLetterSink is an addressable/)]);
    expect(errors.map((e) => e.code)).toEqual(["ZS-KNATIVE-DEAD-LETTER-QUEUE"]);
  });

  it("is reported with the other errors even when the source is refused", () => {
    const errors = errorsOf(appWith(() => ({ queue: { broker: "redis", connection: { secret: "r", key: "url" }, name: "o" }, delivery: { deadLetter: { queue: "dlq" } } })));
    expect(errors.map((e) => e.code).sort()).toEqual(["ZS-KNATIVE-DEAD-LETTER-QUEUE", "ZS-KNATIVE-QUEUE-REDIS"]);
  });
});

describe("knative: the schema check is real", () => {
  const p = compile(appWith((dead) => ({ ...SOURCES.schedule, delivery: DELIVERY(dead) })));
  const kafka = one(compile(appWith((dead) => ({ ...SOURCES.kafka, delivery: DELIVERY(dead) }))), "KafkaSource");
  const rabbit = one(compile(appWith(() => SOURCES.rabbitmq)), "RabbitmqSource");
  const redis = one(compile(appWith(() => SOURCES.redis)), "RedisStreamSource");
  const broken = <T extends { spec: any }>(m: T, edit: (spec: any) => void): T => {
    const copy = structuredClone(m);
    edit(copy.spec);
    return copy;
  };

  it('a retry of "x" fails on the Subscription, the KafkaSource and the RabbitmqSource', () => {
    expect(() => validateManifest(broken(one(p, "Subscription"), (s) => (s.delivery.retry = "x")))).toThrow(/delivery\/retry must be integer/);
    expect(() => validateManifest(broken(kafka, (s) => (s.delivery.retry = "x")))).toThrow(/delivery\/retry must be integer/);
    expect(() => validateManifest(broken(rabbit, (s) => (s.delivery.retry = "x")))).toThrow(/delivery\/retry must be integer/);
  });

  it("a retry beyond int32 fails (the CRDs' format)", () => {
    expect(() => validateManifest(broken(kafka, (s) => (s.delivery.retry = 2 ** 31)))).toThrow(/must match format "int32"/);
  });

  it("an unknown field fails where the CRD lists its fields, and a missing required one fails", () => {
    expect(() => validateManifest(broken(kafka, (s) => (s.delivery.retries = 5)))).toThrow(/must NOT have additional properties/);
    expect(() => validateManifest(broken(one(p, "Subscription"), (s) => (s.deliveryy = {})))).toThrow(/must NOT have additional properties/);
    expect(() => validateManifest(broken(one(p, "Channel"), (s) => (s.chanelTemplate = {})))).toThrow(/must NOT have additional properties/);
    expect(() => validateManifest(broken(redis, (s) => (s.group = 7)))).toThrow(/group must be string/);
    expect(() => validateManifest(broken(kafka, (s) => delete s.topics))).toThrow(/must have required property 'topics'/);
    expect(() => validateManifest({ ...one(p, "Channel"), kind: "Channels" } as KubeObject)).toThrow(/no model or schema/);
  });

  it("the vendored files are the CRDs' openAPIV3Schema (an object schema with a spec), one per kind we emit", () => {
    for (const key of UPSTREAM_CRDS) {
      const s = upstreamSchema(key);
      expect(s["type"], key).toBe("object");
      expect((s["properties"] as Record<string, unknown>)["spec"], key).toBeDefined();
    }
  });
});

describe("knative: ISO-8601 durations at Knative's resolution", () => {
  it("writes seconds with at most one decimal (rickb777/date's period keeps one; the rest would be truncated)", () => {
    expect([500, 1000, 1500, 10_000, 3_600_000].map(isoDuration)).toEqual(["PT0.5S", "PT1S", "PT1.5S", "PT10S", "PT3600S"]);
    expect([150, 99].map(isoDuration)).toEqual(["PT0.1S", "PT0S"]);
  });
});
