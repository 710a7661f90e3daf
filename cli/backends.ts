import type { Backend, Plan } from "../lib/backend.js";
import { docker } from "../providers/docker/index.js";
import { keda } from "../providers/keda/index.js";
import { knative } from "../providers/knative/index.js";

/** Backend options the CLI can set with flags. */
export interface CliBackendOptions {
  readonly namespace?: string | undefined;
  readonly imageRegistry?: string | undefined;
  readonly imageTag?: string | undefined;
}

/** The backends `zeroscale synth --backend` knows, by name. */
export function cliBackends(): Map<string, (opts: CliBackendOptions) => Backend<Plan>> {
  const strip = (o: CliBackendOptions) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return new Map<string, (opts: CliBackendOptions) => Backend<Plan>>([
    ["knative", (o) => knative(strip(o)) as unknown as Backend<Plan>],
    ["keda", (o) => keda(strip(o)) as unknown as Backend<Plan>],
    ["docker", () => docker() as unknown as Backend<Plan>],
  ]);
}
