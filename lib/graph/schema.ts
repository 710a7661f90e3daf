import schema from "./graph.schema.json" with { type: "json" };
import { graphFast, graphFull } from "./graph-validator.generated.js";
import type { DeploymentGraph } from "./types.js";

/** The JSON Schema every DeploymentGraph satisfies (also shipped as `zeroscale/graph.schema.json`). */
export const GRAPH_SCHEMA: object = schema;

/**
 * Messages of everything in `data` that does not satisfy the graph schema; empty when it is a valid
 * graph. The validators are ajv standalone code generated at build time (scripts/build-validators.mjs):
 * a fast one (first error), then, only when it fails, a full one (all errors) for the messages.
 */
export function graphSchemaErrors(data: unknown): string[] {
  if (graphFast(data) || graphFull(data)) return [];
  return (graphFull.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

/** Throw when synth produced a graph that breaks its own schema (a zeroscale bug, never a user error). */
export function assertValidGraph(graph: DeploymentGraph): void {
  const errors = graphSchemaErrors(graph);
  if (errors.length > 0) throw new Error(`zeroscale bug: the synthesized graph breaks its schema:\n${errors.join("\n")}`);
}
