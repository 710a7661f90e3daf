import { describe, expect, it } from "vitest";
import { ServerlessFunction } from "zeroscale";
import { Testing } from "zeroscale/testing";

describe("zeroscale/testing", () => {
  const app = Testing.app();
  const api = new ServerlessFunction(app, "api", { image: "r.example.com/api:1" });
  api.addTrigger("http", { http: { path: "/api" } });
  const graph = Testing.synth(app);

  it("creates an app named test and synthesizes it in memory", () => {
    expect(graph.app.name).toBe("test");
    expect(Testing.nodes(graph).map((n) => n.id)).toEqual(["test/api", "test/api/~default-scaling", "test/api/http"]);
  });

  it("finds nodes by kind, target and subtree", () => {
    expect(Testing.nodes(graph, { kind: "trigger" }).map((n) => n.id)).toEqual(["test/api/http"]);
    expect(Testing.nodes(graph, { target: "test/api" })).toHaveLength(2);
    expect(Testing.nodes(graph, { under: "test/api/http" })).toHaveLength(1);
  });

  it("names the ids it has when a node is missing, and the kind when it is wrong", () => {
    expect(() => Testing.node(graph, "test/nope")).toThrow('no node "test/nope" in the graph; it has: test/api, test/api/~default-scaling, test/api/http');
    expect(() => Testing.function(graph, "test/api/http")).toThrow('node "test/api/http" is a trigger, not a function');
  });

  it("returns validation errors instead of throwing", () => {
    const bad = Testing.app();
    new ServerlessFunction(bad, "api", { image: "r.example.com/api:1", concurrency: 0 });
    expect(Testing.errors(bad).map((d) => d.code)).toEqual(["ZS-FN-CONCURRENCY"]);
    expect(Testing.errors(app)).toEqual([]);
  });
});
