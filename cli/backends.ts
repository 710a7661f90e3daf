import type { Backend, Plan } from "../lib/backend.js";
import { BACKEND_NAMES, type BackendName, type CliBackendOptions, createFromFlags } from "../providers/registry.js";

export { type BackendName, backendsWithFlag, type CliBackendOptions } from "../providers/registry.js";

/** The backends `zeroscale synth --backend` knows, by name (providers/registry.ts lists them). */
export function cliBackends(): Map<BackendName, (opts: CliBackendOptions) => Backend<Plan>> {
  return new Map(BACKEND_NAMES.map((name) => [name, (o: CliBackendOptions) => createFromFlags(name, o)] as const));
}
