// examples/hello's own test: it imports the package the way users do.
import "zeroscale/testing/vitest";
import { describe, expect, it } from "vitest";
import { synth } from "zeroscale";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import { Testing } from "zeroscale/testing";
import { app, hello } from "./app.js";

describe("examples/hello", () => {
  const graph = synth(app);

  it("has one HTTP function on /hello", () => {
    const fn = Testing.function(graph, "hello/hello");
    expect(fn.source).toEqual({ type: "code", path: "src", file: "index.js", export: "handler", runtime: "nodejs20" });
    expect(Testing.triggersOf(graph, fn.id).map((t) => t.source)).toEqual([{ type: "http", path: "/hello", methods: [], host: null }]);
  });

  it("scales to zero after 40s idle, up to 5 instances", () => {
    expect(Testing.scalingOf(graph, "hello/hello")).toMatchObject({ minInstances: 0, maxInstances: 5, idleTimeoutSeconds: 40, stableWindowSeconds: 10 });
  });

  it("scales to zero 40 s after the last request, on zeroscale's engine and under Knative and KEDA semantics", () => {
    expect(app).toSynthWithoutErrors();
    expect(hello).toHaveTrigger({ http: "/hello" });
    for (const backend of ["zeroscale", "knative", "keda"] as const) expect(hello).toScaleToZeroAfter("40s", { backend });
    const trace = { rate: [{ from: 0, to: 30, rps: 10, duration: 0.2 }] };
    expect(Testing.replay(hello, trace)).toBeAtZeroAfter("40s");
    expect(Testing.replay(hello, trace, { backend: "knative" })).toBeAtZeroAfter("40s");
    expect(Testing.replay(hello, trace, { backend: "keda", pollingInterval: 5 })).toBeAtZeroAfter("40s");
  });

  it("synthesizes for Knative and KEDA with the same idle timeout; KEDA says what its HTTP add-on does differently", () => {
    for (const backend of [knative({ registry: "registry.example.com/hello" }), keda({ registry: "registry.example.com/hello" })]) {
      const plan = backend.compile(graph);
      expect(plan.warnings.map((w) => w.code), backend.name).toEqual(backend.name === "keda" ? ["ZS-KEDA-HTTP-DOWN-DELAY", "ZS-KEDA-WINDOW"] : []);
      expect(backend.view(plan).functions["hello/hello"], backend.name).toMatchObject({ minInstances: 0, maxInstances: 5, idleTimeoutSeconds: 40 });
    }
  });

  it("its handler answers a Fetch request", async () => {
    const { handler } = await import("./src/index.js");
    const res: Response = await handler(new Request("http://localhost/hello?name=zeroscale"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "hello, zeroscale" });
  });
});
