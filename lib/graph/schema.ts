import { Ajv, type ValidateFunction } from "ajv";
import schema from "./graph.schema.json" with { type: "json" };
import type { DeploymentGraph } from "./types.js";

/** The JSON Schema every DeploymentGraph satisfies (also shipped as `zeroscale/graph.schema.json`). */
export const GRAPH_SCHEMA: object = schema;

let compiled: ValidateFunction | undefined;

/** The compiled graph validator (compiled on first use, then reused). */
export function graphValidator(): ValidateFunction {
  return (compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema));
}

/** Messages of everything in `data` that does not satisfy the graph schema; empty when it is a valid graph. */
export function graphSchemaErrors(data: unknown): string[] {
  const validate = graphValidator();
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

/** Throw when synth produced a graph that breaks its own schema (a zeroscale bug, never a user error). */
export function assertValidGraph(graph: DeploymentGraph): void {
  const errors = graphSchemaErrors(graph);
  if (errors.length > 0) throw new Error(`zeroscale bug: the synthesized graph breaks its schema:\n${errors.join("\n")}`);
}
