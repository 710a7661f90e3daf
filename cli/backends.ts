import type { Backend, Plan } from "../lib/backend.js";
import { BACKEND_NAMES, type BackendName, type CliBackendOptions, type CliFactory, loadFromFlags } from "../providers/registry-lazy.js";

export { type BackendName, backendsWithFlag, type CliBackendOptions } from "../providers/registry-lazy.js";

/**
 * The backend modules the CLI has loaded, by name. This is a memo of `import()` (whose module
 * instances are process-wide anyway), so that {@link cliBackends} can hand out synchronous factories:
 * {@link loadCliBackends} fills it before a command compiles.
 */
const loaded = new Map<BackendName, CliFactory>();

/**
 * Load the named backends (only their modules; unknown names are skipped: the flag parser reports
 * them). Starts every import at once, so it can run while the program loads.
 */
export async function loadCliBackends(names: readonly string[]): Promise<Map<BackendName, CliFactory>> {
  const wanted = BACKEND_NAMES.filter((n) => names.includes(n));
  await Promise.all(wanted.filter((n) => !loaded.has(n)).map(async (n) => loaded.set(n, await loadFromFlags(n))));
  return new Map(wanted.map((n) => [n, loaded.get(n) as CliFactory]));
}

/**
 * The backends `zeroscale synth --backend` knows, by name (providers/registry-lazy.ts lists them).
 * Each factory makes its backend from only the flags it takes; a backend must have been loaded by
 * {@link loadCliBackends} first (cli/bin.ts loads the ones the arguments name).
 */
export function cliBackends(): Map<BackendName, (opts: CliBackendOptions) => Backend<Plan>> {
  return new Map(
    BACKEND_NAMES.map((name) => [
      name,
      (o: CliBackendOptions) => {
        const create = loaded.get(name);
        if (!create) throw new Error(`zeroscale bug: backend ${name} was used before loadCliBackends loaded it`);
        return create(o);
      },
    ]),
  );
}

/**
 * The backend names an argument list asks for (`--backend a,b`, `-b a`, `--backend=a`, `-ba`), so they
 * can be loaded before the command runs. Arguments after `--` are not flags.
 */
export function backendArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") break;
    let value: string | undefined;
    if (a === "--backend" || a === "-b") value = args[++i];
    else if (a.startsWith("--backend=")) value = a.slice("--backend=".length);
    else if (a.startsWith("-b") && !a.startsWith("--") && a.length > 2) value = a.slice(2);
    else if (BACKEND_NAMES.includes(a as BackendName)) value = a; // `--backend knative keda app.ts` (normalizeBackendArgs)
    if (value !== undefined) out.push(...value.split(",").map((v) => v.trim()));
  }
  return out;
}
