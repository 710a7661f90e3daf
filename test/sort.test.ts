import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GraphEdge, GraphNode } from "zeroscale";
import { findCycle, sortGraph } from "../lib/graph/sort.js";

const node = (id: string, kind: GraphNode["kind"]) => ({ id, kind }) as unknown as GraphNode;

/** Random DAGs: edges only from a higher index to a lower one. */
const dagArb = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    nodes: fc.constant(Array.from({ length: n }, (_, i) => node(`app/n${String(i).padStart(2, "0")}`, (["function", "scalingPolicy", "trigger"] as const)[i % 3] as GraphNode["kind"]))),
    pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 80 }),
  }),
);

describe("graph sort", () => {
  it("puts every node after its dependencies, whatever the input order (property)", () => {
    fc.assert(
      fc.property(dagArb, fc.func(fc.integer()), ({ nodes, pairs }, shuffleKey) => {
        const edges: GraphEdge[] = pairs.filter(([a, b]) => a > b).map(([a, b]) => ({ from: (nodes[a] as GraphNode).id, to: (nodes[b] as GraphNode).id, kind: "dependsOn" }));
        const sorted = sortGraph(nodes, edges);
        const pos = new Map(sorted.nodes.map((n, i) => [n.id, i]));
        expect(sorted.nodes).toHaveLength(nodes.length);
        for (const e of edges) expect(pos.get(e.from)!).toBeGreaterThan(pos.get(e.to)!);
        const shuffled = [...nodes].sort((a, b) => shuffleKey(a.id) - shuffleKey(b.id));
        const again = sortGraph(shuffled, [...edges].reverse());
        expect(again.nodes.map((n) => n.id)).toEqual(sorted.nodes.map((n) => n.id));
        expect(findCycle(nodes, edges)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("orders by kind then id when nothing depends on anything", () => {
    const nodes = [node("a/t", "trigger"), node("a/p", "scalingPolicy"), node("a/f2", "function"), node("a/f1", "function")];
    expect(sortGraph(nodes, []).nodes.map((n) => n.id)).toEqual(["a/f1", "a/f2", "a/p", "a/t"]);
  });

  it("finds a cycle and names it", () => {
    const nodes = [node("a/x", "function"), node("a/y", "function"), node("a/z", "function")];
    const edges: GraphEdge[] = [
      { from: "a/x", to: "a/y", kind: "dependsOn" },
      { from: "a/y", to: "a/z", kind: "dependsOn" },
      { from: "a/z", to: "a/x", kind: "dependsOn" },
    ];
    expect(findCycle(nodes, edges)).toEqual(["a/x", "a/y", "a/z", "a/x"]);
  });
});
