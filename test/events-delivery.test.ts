// EventTrigger({ delivery }): resolved into the graph with safe defaults, the dead-letter function as
// an edge, and the backoff formula every zeroscale deliverer uses.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { App, backoffDelayMs, effectiveDelivery, ServerlessFunction, synth, type TriggerNode } from "zeroscale";

function build() {
  const app = new App({ name: "dl" });
  const fn = new ServerlessFunction(app, "worker", { image: "r.example.com/w:1", timeout: "40s" });
  const dead = new ServerlessFunction(app, "dead", { image: "r.example.com/d:1" });
  fn.addTrigger("plain", { queue: { broker: "redis", connection: "redis://r:6379", name: "a" } });
  fn.addTrigger("tuned", { queue: { broker: "rabbitmq", connection: "amqp://r:5672", name: "b" }, delivery: { retries: 5, backoff: { policy: "linear", delay: "250ms" }, deadLetter: dead, timeout: "10s" } });
  fn.addTrigger("to-queue", { queue: { broker: "nats", connection: "nats://n:4222", name: "c.d" }, delivery: { retries: 0, deadLetter: { queue: "c.dlq" } } });
  fn.addTrigger("nightly", { schedule: { cron: "0 3 * * *" } });
  fn.addTrigger("api", { http: { path: "/w" } });
  return synth(app);
}

describe("delivery in the graph", () => {
  const graph = build();
  const trigger = (id: string) => graph.nodes.find((n) => n.id === id) as TriggerNode;

  it("defaults: 3 retries, exponential from 1s, no dead letter, the function's timeout per attempt; http has none", () => {
    expect(trigger("dl/worker/plain").delivery).toEqual({ retries: 3, backoff: { policy: "exponential", delayMs: 1000 }, deadLetter: null, timeoutSeconds: 40 });
    expect(trigger("dl/worker/nightly").delivery).toEqual({ retries: 3, backoff: { policy: "exponential", delayMs: 1000 }, deadLetter: null, timeoutSeconds: 40 });
    expect(trigger("dl/worker/api").delivery).toBeNull();
  });

  it("declared values, a dead-letter function (an edge; not warned as never invoked) and a dead-letter queue", () => {
    expect(trigger("dl/worker/tuned").delivery).toEqual({ retries: 5, backoff: { policy: "linear", delayMs: 250 }, deadLetter: { type: "function", target: "dl/dead" }, timeoutSeconds: 10 });
    expect(trigger("dl/worker/to-queue").delivery).toMatchObject({ retries: 0, deadLetter: { type: "queue", name: "c.dlq" } });
    expect(graph.edges).toContainEqual({ from: "dl/worker/tuned", to: "dl/dead", kind: "deadLetters" });
    expect(graph.warnings.filter((w) => w.code === "ZS-FN-NO-TRIGGER")).toEqual([]);
  });

  it("is deterministic (same program, byte-identical graph)", () => {
    expect(JSON.stringify(build())).toBe(JSON.stringify(graph));
  });

  it("zeroscale's engine honours every field; Knative refuses a queue dead letter", () => {
    const t = trigger("dl/worker/tuned");
    expect(effectiveDelivery("zeroscale", t)).toEqual({ delivery: { mode: "push", ...t.delivery }, diagnostics: [] });
    expect(effectiveDelivery("knative", trigger("dl/worker/to-queue")).diagnostics.map((d) => d.code)).toEqual(["ZS-KNATIVE-DEAD-LETTER-QUEUE"]);
    expect(effectiveDelivery("keda", trigger("dl/worker/plain"), { queueDelivery: "pull" }).delivery?.mode).toBe("pull");
  });
});

describe("backoffDelayMs (Knative's formulas)", () => {
  it("exponential: delay x 2^n; linear: delay x n", () => {
    expect([1, 2, 3].map((n) => backoffDelayMs("exponential", 100, n))).toEqual([200, 400, 800]);
    expect([1, 2, 3].map((n) => backoffDelayMs("linear", 100, n))).toEqual([100, 200, 300]);
  });
  it("grows monotonically and exponential never waits less than linear (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 3_600_000 }), fc.integer({ min: 1, max: 30 }), (d, n) => {
        expect(backoffDelayMs("linear", d, n + 1)).toBeGreaterThan(backoffDelayMs("linear", d, n));
        expect(backoffDelayMs("exponential", d, n + 1)).toBeGreaterThan(backoffDelayMs("exponential", d, n));
        expect(backoffDelayMs("exponential", d, n)).toBeGreaterThanOrEqual(backoffDelayMs("linear", d, n));
      }),
    );
  });
});

describe("Testing.deliveryOf", () => {
  it("answers from the engine's delivery model", async () => {
    const { Testing } = await import("zeroscale/testing");
    const graph = build();
    expect(Testing.deliveryOf(graph, "dl/worker/tuned")).toMatchObject({ mode: "push", retries: 5, deadLetter: { type: "function", target: "dl/dead" } });
    expect(Testing.deliveryOf(graph, "dl/worker/plain", { engine: "keda", queueDelivery: "pull" })).toMatchObject({ mode: "pull", retries: null });
    expect(Testing.deliveryOf(graph, "dl/worker/api")).toBeNull();
  });
});
