import { describePolicy, describeTrigger } from "./summary.js";
import type { DeploymentGraph, GraphNode } from "./types.js";

function label(n: GraphNode): string {
  if (n.kind === "function") return `${n.id}\\nfunction`;
  if (n.kind === "trigger") return `${n.id}\\n${describeTrigger(n)}`;
  return `${n.id}\\n${describePolicy(n)}`;
}

/** The graph as a Mermaid flowchart, construct subtrees as nested subgraphs. */
export function toMermaid(graph: DeploymentGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const esc = (s: string) => s.replace(/"/g, "#quot;").replace(/\\n/g, "<br/>");
  const lines = ["flowchart LR"];
  for (const n of graph.nodes) {
    const shape = n.kind === "function" ? ["[", "]"] : n.kind === "trigger" ? ["([", "])"] : ["{{", "}}"];
    lines.push(`  ${ids.get(n.id)}${shape[0]}"${esc(label(n))}"${shape[1]}`);
  }
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} -->|${e.kind}| ${ids.get(e.to)}`);
  return `${lines.join("\n")}\n`;
}

/** The graph in Graphviz DOT. */
export function toDot(graph: DeploymentGraph): string {
  const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;
  const lines = [`digraph ${q(graph.app.name)} {`, "  rankdir=LR;", "  node [fontname=Helvetica];"];
  for (const n of graph.nodes) {
    const shape = n.kind === "function" ? "box" : n.kind === "trigger" ? "ellipse" : "hexagon";
    lines.push(`  ${q(n.id)} [shape=${shape}, label=${q(label(n))}];`);
  }
  for (const e of graph.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.kind)}];`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
