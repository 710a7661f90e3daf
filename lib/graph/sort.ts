import type { GraphEdge, GraphNode, NodeKind } from "./types.js";

const KIND_RANK: Record<NodeKind, number> = { function: 0, scalingPolicy: 1, trigger: 2 };

function compareNodes(a: GraphNode, b: GraphNode): number {
  return KIND_RANK[a.kind] - KIND_RANK[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/**
 * Kahn's algorithm over the nodes in (kind, id) order: each node after everything it depends on,
 * ties broken by kind then id, so the order never depends on how the program built the tree.
 * O((n + e) log n) for the initial sorts, linear after.
 */
export function sortGraph(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const ordered = [...nodes].sort(compareNodes);
  const sortedEdges = [...edges].sort(compareEdges);
  const { order } = kahn(ordered, sortedEdges);
  return { nodes: order, edges: sortedEdges };
}

/** One dependency cycle as a list of ids (first repeated at the end), or undefined if there is none. */
export function findCycle(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string[] | undefined {
  const ordered = [...nodes].sort(compareNodes);
  const { order } = kahn(ordered, edges);
  if (order.length === ordered.length) return undefined;
  const done = new Set(order.map((n) => n.id));
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (done.has(e.from) || done.has(e.to)) continue;
    const list = next.get(e.from);
    if (list) list.push(e.to);
    else next.set(e.from, [e.to]);
  }
  // Every remaining node has an unresolved dependency; walk until a node repeats.
  const start = ordered.find((n) => !done.has(n.id)) as GraphNode;
  const seenAt = new Map<string, number>();
  const walk: string[] = [];
  let at = start.id;
  while (!seenAt.has(at)) {
    seenAt.set(at, walk.length);
    walk.push(at);
    at = [...(next.get(at) ?? [])].sort()[0] as string;
  }
  return [...walk.slice(seenAt.get(at)), at];
}

function kahn(ordered: readonly GraphNode[], edges: readonly GraphEdge[]): { order: GraphNode[] } {
  const byId = new Map(ordered.map((n) => [n.id, n]));
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const e of edges) {
    if (!byId.has(e.from) || !byId.has(e.to)) continue;
    pending.set(e.from, (pending.get(e.from) ?? 0) + 1);
    const list = dependents.get(e.to);
    if (list) list.push(e.from);
    else dependents.set(e.to, [e.from]);
  }
  const rank = new Map(ordered.map((n, i) => [n.id, i]));
  const queue: GraphNode[] = ordered.filter((n) => !pending.has(n.id));
  const order: GraphNode[] = [];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i] as GraphNode;
    order.push(n);
    const released: GraphNode[] = [];
    for (const d of dependents.get(n.id) ?? []) {
      const left = (pending.get(d) as number) - 1;
      pending.set(d, left);
      if (left === 0) released.push(byId.get(d) as GraphNode);
    }
    released.sort((a, b) => (rank.get(a.id) as number) - (rank.get(b.id) as number));
    queue.push(...released);
  }
  return { order };
}
