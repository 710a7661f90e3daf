import type { GraphEdge, GraphNode, NodeKind } from "./types.js";

const KIND_RANK: Record<NodeKind, number> = { function: 0, scalingPolicy: 1, trigger: 2 };

function compareNodes(a: GraphNode, b: GraphNode): number {
  return KIND_RANK[a.kind] - KIND_RANK[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/**
 * Kahn's algorithm with a min-heap over (kind, id) ranks: each node comes after everything it depends
 * on, and among the nodes that are ready the smallest (kind, id) goes first, so the order never depends
 * on how the program built the tree. O((n + e) log n).
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
  const rank = new Map(ordered.map((n, i) => [n.id, i]));
  const pending = new Array<number>(ordered.length).fill(0);
  const dependents = new Map<number, number[]>();
  for (const e of edges) {
    const from = rank.get(e.from);
    const to = rank.get(e.to);
    if (from === undefined || to === undefined) continue;
    pending[from] = (pending[from] as number) + 1;
    const list = dependents.get(to);
    if (list) list.push(from);
    else dependents.set(to, [from]);
  }
  // A min-heap of ready ranks: always emit the smallest (kind, id) whose dependencies are done.
  const heap = new MinHeap();
  for (let i = 0; i < ordered.length; i++) if (pending[i] === 0) heap.push(i);
  const order: GraphNode[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    order.push(ordered[i] as GraphNode);
    for (const d of dependents.get(i) ?? []) {
      pending[d] = (pending[d] as number) - 1;
      if (pending[d] === 0) heap.push(d);
    }
  }
  return { order };
}

/** A binary min-heap of integers. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as number) <= x) break;
      a[i] = a[parent] as number;
      i = parent;
    }
    a[i] = x;
  }

  pop(): number {
    const a = this.items;
    const top = a[0] as number;
    const last = a.pop() as number;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && (a[r] as number) < (a[l] as number) ? r : l;
        if ((a[c] as number) >= last) break;
        a[i] = a[c] as number;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
