import type { DeploymentGraph } from "../lib/graph/types.js";

/** A file a backend writes on `zeroscale synth`. */
export interface ArtifactFile {
  /** Path relative to the output directory. */
  readonly path: string;
  readonly content: string;
}

/** What the CLI needs from a backend: its artifacts for a graph. */
export interface CliBackend {
  readonly name: string;
  readonly description: string;
  artifacts(graph: DeploymentGraph): ArtifactFile[];
}

/** The backends `zeroscale synth --backend` knows, by name. */
export function cliBackends(): Map<string, CliBackend> {
  return new Map();
}
