// The backends with their factories. The list itself is registry-lazy.ts's LAZY_BACKENDS (the CLI reads
// only that, so it loads only the backend it uses); this module adds each entry's `create`, imported
// eagerly, for the capability docs (capabilities-doc.ts), the Pulumi realisers (pulumi/index.ts) and the
// tests. A new backend is one entry there and one line here (the `satisfies` below fails until it is
// added); every table keyed by backend name or Pulumi realiser is a mapped type over these, so a missing
// handler does not compile. The backends' factories are pure, and this module never imports a Pulumi
// or Docker SDK (pulumi/index.ts imports it, not the other way round).
import type { Backend, Plan } from "../lib/index.js";
import { containerApps } from "./aca/index.js";
import { cloudRun } from "./cloudrun/index.js";
import { docker } from "./docker/index.js";
import { keda } from "./keda/index.js";
import { knative } from "./knative/index.js";
import { lambda } from "./lambda/index.js";
import { type BackendName, type CliBackendOptions, type CliFlag, fromFlags, LAZY_BACKENDS, type LazyBackends } from "./registry-lazy.js";

export { BACKEND_NAMES, backendsWithFlag, type BackendName, type BackendOf, type BackendOptionsOf, type AnyBackend, type CliBackendOptions, type CliFlag, type PulumiRealiser } from "./registry-lazy.js";

/** What {@link withCreate} needs of a lazy entry. */
type LazyLoad = { readonly load: () => Promise<(...args: never[]) => Backend<Plan>> };

/** One backend: its lazy entry (registry-lazy.ts) plus its factory, imported eagerly. */
export type BackendEntry<E extends LazyLoad> = E & {
  /** The backend factory (pure; no SDK loaded): the one `load()` resolves to. */
  readonly create: Awaited<ReturnType<E["load"]>>;
};

/** The eager registry for zeroscale/pulumi, the docs and the tests: each lazy entry with its factory. */
function withCreate<E extends LazyLoad>(e: E, create: Awaited<ReturnType<E["load"]>>): BackendEntry<E> {
  return { ...e, create };
}

/** Every backend, by name, with its factory loaded (the list itself is registry-lazy.ts's). */
export const BACKENDS = {
  knative: withCreate(LAZY_BACKENDS.knative, knative),
  keda: withCreate(LAZY_BACKENDS.keda, keda),
  docker: withCreate(LAZY_BACKENDS.docker, docker),
  cloudrun: withCreate(LAZY_BACKENDS.cloudrun, cloudRun),
  aca: withCreate(LAZY_BACKENDS.aca, containerApps),
  lambda: withCreate(LAZY_BACKENDS.lambda, lambda),
} as const satisfies { readonly [N in BackendName]: BackendEntry<LazyBackends[N]> };

export type Backends = typeof BACKENDS;
/** Make a backend from CLI flags: only the flags it accepts, and only those set. */
export function createFromFlags(name: BackendName, flags: CliBackendOptions): Backend<Plan> {
  const e = BACKENDS[name] as unknown as { flags: readonly CliFlag[]; create: (options?: CliBackendOptions) => Backend<Plan> };
  return fromFlags(e.flags, e.create)(flags);
}
