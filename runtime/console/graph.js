// The app's graph as an SVG picture: nodes and edges from GET /graph, placed by dagre (no hand layout).
import dagre from "./vendor/dagre.esm.js";

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A node's construct path without the app's name ("shop/api/web" -> "api/web"). */
export function shortId(id) {
  const slash = id.indexOf("/");
  return slash < 0 ? id : id.slice(slash + 1);
}

/** The two lines a node shows: its path in the app and what it is. */
export function labelOf(node) {
  const name = shortId(node.id);
  switch (node.kind) {
    case "function":
      return [name, `function · ${node.cpu} CPU · ${node.memory} · ×${node.concurrency}`];
    case "trigger": {
      const s = node.source;
      if (s.type === "http") return [name, `http ${s.methods.length ? s.methods.join(",") : "*"} ${s.host ?? ""}${s.path}`];
      if (s.type === "schedule") return [name, `schedule ${s.cron} ${s.timezone}`];
      if (s.type === "queue") return [name, `queue ${s.broker} ${s.name}`];
      return [name, s.type];
    }
    case "scalingPolicy":
      return [node.implicit ? `${shortId(node.target)} (default policy)` : name, `policy ${node.minInstances}..${node.maxInstances} · ${node.metric.type} ${node.metric.target}${node.idleTimeoutSeconds !== null ? ` · idle ${node.idleTimeoutSeconds}s` : ""}`];
    default:
      return [node.id, node.kind];
  }
}

const EDGE_LABEL = { invokes: "invokes", scales: "scales", deadLetters: "dead letters", dependsOn: "depends on" };

/**
 * Draw `graph` into `container` (replacing what it held); `onSelect(fnId)` when a function (or its
 * trigger or policy) is clicked. Returns the SVG element.
 */
export function drawGraph(container, graph, onSelect) {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 70, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const charW = 6.6;
  for (const n of graph.nodes) {
    const [title, sub] = labelOf(n);
    const width = Math.max(120, Math.max(title.length * 7.4, sub.length * charW) + 24);
    g.setNode(n.id, { width, height: 44, node: n, title, sub });
  }
  for (const e of graph.edges) {
    if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, { kind: e.kind, label: EDGE_LABEL[e.kind] ?? e.kind, width: 60, height: 14, labelpos: "c" }, `${e.kind}:${e.from}:${e.to}`);
  }
  dagre.layout(g);
  const { width, height } = g.graph();
  const svg = el("svg", { viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, width: Math.ceil(width), height: Math.ceil(height), role: "img", "aria-label": "the app's deployment graph" });
  const defs = el("defs");
  for (const kind of ["invokes", "scales", "deadLetters", "dependsOn"]) {
    const m = el("marker", { id: `arrow-${kind}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    m.append(el("path", { d: "M0,0 L10,5 L0,10 z", class: `arrow arrow-${kind}` }));
    defs.append(m);
  }
  svg.append(defs);
  for (const ref of g.edges()) {
    const e = g.edge(ref);
    const d = e.points.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
    const group = el("g", { class: `edge edge-${e.kind}`, "data-edge": `${ref.v}->${ref.w}`, "data-kind": e.kind });
    group.append(el("path", { d, "marker-end": `url(#arrow-${e.kind})` }));
    if (e.x !== undefined) group.append(el("text", { x: e.x, y: e.y + 4, "text-anchor": "middle", class: "edge-label" }, e.label));
    svg.append(group);
  }
  for (const id of g.nodes()) {
    const v = g.node(id);
    const n = v.node;
    const fnId = n.kind === "function" ? n.id : n.target;
    const group = el("g", { class: `node node-${n.kind}`, "data-node-id": n.id, "data-kind": n.kind, "data-fn": fnId, transform: `translate(${(v.x - v.width / 2).toFixed(1)},${(v.y - v.height / 2).toFixed(1)})`, tabindex: 0 });
    group.append(el("rect", { width: v.width, height: v.height, rx: n.kind === "function" ? 4 : 14 }));
    group.append(el("text", { x: 12, y: 18, class: "node-title" }, v.title));
    group.append(el("text", { x: 12, y: 34, class: "node-sub" }, v.sub));
    const title = el("title", {}, `${n.id} (${n.name})`);
    group.append(title);
    group.addEventListener("click", () => onSelect(fnId));
    group.addEventListener("keydown", (ev) => ev.key === "Enter" && onSelect(fnId));
    svg.append(group);
  }
  container.replaceChildren(svg);
  return svg;
}

/** Mark the selected function's nodes, and each function's state (class state-<state>). */
export function markGraph(svg, selected, states) {
  for (const node of svg.querySelectorAll(".node")) {
    node.classList.toggle("selected", node.dataset.fn === selected);
    if (node.dataset.kind === "function") {
      for (const c of [...node.classList]) if (c.startsWith("state-")) node.classList.remove(c);
      const s = states.get(node.dataset.nodeId);
      if (s) node.classList.add(`state-${s}`);
    }
  }
}
