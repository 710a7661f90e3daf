// The testing kit tests itself: every matcher passing, and every failure message asserted.
import "zeroscale/testing/vitest";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction } from "zeroscale";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import { stableSnapshot, Testing } from "zeroscale/testing";

function shop() {
  const app = new App({ name: "shop" });
  const api = new ServerlessFunction(app, "api", { image: "registry.example.com/shop/api:1.4.2" });
  api.addTrigger("http", { http: { path: "/api" } });
  api.addTrigger("nightly", { schedule: { cron: "0 3 * * *" } });
  api.addScalingPolicy({ minInstances: 0, maxInstances: 20, idleTimeout: "5m", metric: { concurrency: 50 } });
  return { app, api };
}

/** The message of a failed expectation. */
function failure(run: () => void): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message.replace(/\x1b\[[0-9;]*m/g, "");
  }
  throw new Error("expected the assertion to fail");
}

describe("zeroscale/testing/vitest matchers", () => {
  const { app, api } = shop();

  it("toSynthWithoutErrors / toFailValidationWith", () => {
    expect(app).toSynthWithoutErrors();
    const bad = new App({ name: "bad" });
    new ServerlessFunction(bad, "f", { image: "r.example.com/f:1" }).addScalingPolicy({ minInstances: 5, maxInstances: 2 });
    expect(bad).toFailValidationWith(/maxInstances/);
    expect(failure(() => expect(bad).toSynthWithoutErrors())).toBe(
      "expected bad to synthesize, but:\n  - bad/f/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.",
    );
    expect(failure(() => expect(bad).toFailValidationWith(/cron/))).toBe(
      "expected a validation error matching /cron/; the errors are:\n  - bad/f/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.",
    );
    expect(failure(() => expect(app).toFailValidationWith("anything"))).toBe("expected validation to fail with anything, but shop synthesized without errors");
  });

  it("toScaleToZeroAfter", () => {
    expect(api).toScaleToZeroAfter("5m");
    expect(api).not.toScaleToZeroAfter("1m");
    expect(failure(() => expect(api).toScaleToZeroAfter("30s"))).toBe("expected shop/api to scale to zero after 30s idle on zeroscale; it scales to zero after 300s");
    // The effective value of each engine, from its model: Knative honours 300 s (W 60 + retention 240).
    expect(api).toScaleToZeroAfter("5m", { backend: "knative" });
    expect(failure(() => expect(api).toScaleToZeroAfter("5m", { backend: "knative", gracePeriodSeconds: 400 }))).toBe("expected shop/api to scale to zero after 300s idle on knative; it scales to zero after 460s");
  });

  it("toHaveTrigger, with a readable diff against the closest trigger", () => {
    expect(api).toHaveTrigger({ schedule: "0 3 * * *" });
    expect(api).toHaveTrigger({ http: "/api" });
    expect(api).toHaveTrigger({ http: { path: "/api", methods: [] } });
    expect(api).not.toHaveTrigger({ queue: "orders" });
    const msg = failure(() => expect(api).toHaveTrigger({ schedule: "0 4 * * *" }));
    expect(msg).toContain('expected shop/api to have a trigger matching {"type":"schedule","cron":"0 4 * * *"}');
    expect(msg).toMatch(/-\s+"cron": "0 4 \* \* \*",\n\+\s+"cron": "0 3 \* \* \*",/);
    expect(msg).toContain('its triggers: {"type":"http","path":"/api","methods":[],"host":null}, {"type":"schedule","cron":"0 3 * * *","timezone":"UTC","data":null}');
  });

  it("toHaveScaling", () => {
    expect(api).toHaveScaling({ min: 0, max: 20 });
    expect(api).toHaveScaling({ metric: { concurrency: 50 }, idleTimeout: "5m" });
    const msg = failure(() => expect(api).toHaveScaling({ min: 1, max: 20 }));
    expect(msg).toContain("expected shop/api's scaling to match (idleTimeout in seconds)");
    expect(msg).toMatch(/-\s+"min": 1,\n\+\s+"min": 0,/);
  });

  it("toContainResource on a compiled plan", () => {
    const kn = Testing.compile(app, knative());
    expect(kn).toContainResource("serving.knative.dev/v1", "Service", { spec: { template: { metadata: { annotations: { "autoscaling.knative.dev/max-scale": "20" } } } } });
    expect(kn.plan).toContainResource("sources.knative.dev/v1", "PingSource", { spec: { schedule: "0 3 * * *" } });
    expect(kn.resources).not.toContainResource("keda.sh/v1alpha1", "ScaledObject");
    expect(failure(() => expect(kn).toContainResource("keda.sh/v1alpha1", "ScaledObject"))).toBe(
      "expected a keda.sh/v1alpha1 ScaledObject; the output has: serving.knative.dev/v1 Service, gateway.networking.k8s.io/v1 HTTPRoute, messaging.knative.dev/v1 Channel, messaging.knative.dev/v1 Subscription, sources.knative.dev/v1 PingSource",
    );
    const msg = failure(() => expect(kn).toContainResource("serving.knative.dev/v1", "Service", { spec: { template: { spec: { containerConcurrency: 7 } } } }));
    expect(msg).toContain("expected a serving.knative.dev/v1 Service containing the subset; closest of 1:");
    expect(msg).toMatch(/-\s+"containerConcurrency": 7,\n\+\s+"containerConcurrency": 100,/);
  });

  it("replay matchers: the idle timeout, under Knative and KEDA semantics, in under ten lines", () => {
    const trace = { rate: [{ from: 0, to: 60, rps: 20, duration: 0.5 }] };
    for (const backend of ["knative", "keda"] as const) {
      const r = Testing.replay(api, trace, { backend });
      expect(r).toReachInstances(1, { within: "10s" });
      expect(r).toBeAtZeroAfter("5m");
    }
  });

  it("replay matchers fail with what happened", () => {
    const r = Testing.replay(api, { rate: [{ from: 0, to: 60, rps: 20, duration: 0.5 }] }, { backend: "knative" });
    expect(failure(() => expect(r).toReachInstances(50))).toMatch(/^expected shop\/api \(knative\) to reach 50 instances; its peak was \d+ at \d+s$/);
    expect(failure(() => expect(r).toBeAtZeroAfter("1m"))).toMatch(
      /^expected shop\/api \(knative\) to be at zero 60s after its last activity \(60.5s\), i.e. at 120.5s \(\+4s for its 2s decisions\); it reached zero at 36\ds \(30\d\.5s after\)$/,
    );
  });
});

describe("Testing helpers", () => {
  it("Testing.pulumi: mocks, deploy and resolved inputs in one call", async () => {
    const { app } = shop();
    const { resources } = await Testing.pulumi(app, keda({ namespace: "shop" }));
    expect(resources.map((r) => r.type).sort()).toEqual([
      "kubernetes:apps/v1:Deployment",
      "kubernetes:batch/v1:CronJob",
      "kubernetes:core/v1:Service",
      "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject",
      "zeroscale:index:App",
      "zeroscale:index:ServerlessFunction",
    ]);
    const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
    expect(deployment?.parentType).toBe("zeroscale:index:ServerlessFunction");
    expect(deployment?.inputs).toMatchObject({ metadata: { namespace: "shop" } });
  });

  it("stableSnapshot strips hashes, absolute paths and versions", () => {
    const cleaned = stableSnapshot({ name: "shop-api-1a2b3c4d", file: `${process.cwd()}/out/x.yaml`, v: "zeroscale 0.1.0" }, { version: "0.1.0" });
    expect(cleaned).toEqual({ name: "shop-api-<hash>", file: "<root>/out/x.yaml", v: "zeroscale <version>" });
    const { app } = shop();
    expect(Testing.snapshot(Testing.compile(app, knative()).files.map((f) => f.path))).toEqual(["manifests/shop-api-<hash>.yaml", "plan.json"]);
  });
});
