// The one list of backends, light: each entry's `load()` imports its backend's module only when that
// backend is used (the CLI evaluates only the selected backend). providers/registry.ts adds each
// entry's eager `create` for zeroscale/pulumi, the docs and the tests; the CLI (cli/backends.ts) reads
// this module only. Nothing here imports a backend module, an SDK or Docker client: the capability
// tables are plain data modules.
import type { Backend, CapabilityTable, Plan } from "../lib/index.js";
import type { EngineName } from "../lib/vocabulary.js";
import { ACA_CAPABILITIES } from "./aca/capabilities.js";
import { CLOUDRUN_CAPABILITIES } from "./cloudrun/capabilities.js";
import { DOCKER_CAPABILITIES } from "./docker/capabilities.js";
import { KEDA_CAPABILITIES } from "./keda/capabilities.js";
import { KNATIVE_CAPABILITIES } from "./knative/capabilities.js";
import { LAMBDA_CAPABILITIES } from "./lambda/capabilities.js";

/**
 * The backend options `zeroscale synth` and `validate` can set with flags (--namespace, --registry,
 * --images). Not `baseImage`: it only shapes a plan's builds, which synth refuses (ZS-IMAGE-UNBUILT),
 * so it is `zeroscale build --base-image`'s.
 */
export interface CliBackendOptions {
  readonly namespace?: string | undefined;
  /** --registry: where build/code functions' images are pushed (`zeroscale build`). */
  readonly registry?: string | undefined;
  /** --images <file>: the pushed images of the image map, by function id. */
  readonly images?: Readonly<Record<string, string>> | undefined;
  /** --project: the Google Cloud project (cloudrun). */
  readonly project?: string | undefined;
  /** --region: the cloud region (cloudrun: e.g. europe-west1; lambda: e.g. eu-west-1). */
  readonly region?: string | undefined;
  /** --resource-group: the Azure resource group (aca). */
  readonly resourceGroup?: string | undefined;
  /** --location: the Azure location, e.g. westeurope (aca). */
  readonly location?: string | undefined;
  /** --environment: the Container Apps managed environment's resource id (aca). */
  readonly environment?: string | undefined;
}
export type CliFlag = keyof CliBackendOptions;

/** How zeroscale/pulumi realises a backend's plan: each name is one realiser in pulumi/index.ts. */
export type PulumiRealiser = "kubernetes" | "docker" | "cloudrun" | "aca" | "lambda";

/** One backend, lazily: how to load its factory, which CLI flags it takes, how Pulumi deploys it, and what it can do. */
export interface LazyBackendEntry<O, B extends Backend<Plan>> {
  /** Import the backend's module and return its factory (pure; no SDK loaded). */
  readonly load: () => Promise<(options?: O) => B>;
  /** The CLI flags that set options of this backend (the rest are ignored for it). */
  readonly flags: readonly (CliFlag & keyof O)[];
  /** The realiser of its plans in zeroscale/pulumi; must be the backend's own `target`. */
  readonly pulumi: B extends { readonly target: infer T } ? T & PulumiRealiser : PulumiRealiser;
  /** The scaling engine it deploys to (the backend's `engine`). */
  readonly engine: EngineName;
  /** Its non-scaling capability table (the backend's `capabilities`); docs/backends/README.md is rendered from it. */
  readonly capabilities: CapabilityTable;
  /** Display name and doc page, for docs/backends/README.md. */
  readonly title: string;
  readonly doc: string;
}

/** Infer one entry's option and backend types (a plain object literal would widen them). */
function entry<O, B extends Backend<Plan>>(e: LazyBackendEntry<O, B>): LazyBackendEntry<O, B> {
  return e;
}

/** Every backend, by name: the one place a backend is listed. */
export const LAZY_BACKENDS = {
  knative: entry({
    load: async () => (await import("./knative/index.js")).knative,
    flags: ["namespace", "registry", "images"],
    pulumi: "kubernetes",
    engine: "knative",
    capabilities: KNATIVE_CAPABILITIES,
    title: "Knative",
    doc: "knative.md",
  }),
  keda: entry({
    load: async () => (await import("./keda/index.js")).keda,
    flags: ["namespace", "registry", "images"],
    pulumi: "kubernetes",
    engine: "keda",
    capabilities: KEDA_CAPABILITIES,
    title: "KEDA",
    doc: "keda.md",
  }),
  docker: entry({
    load: async () => (await import("./docker/index.js")).docker,
    flags: [],
    pulumi: "docker",
    engine: "zeroscale",
    capabilities: DOCKER_CAPABILITIES,
    title: "Docker",
    doc: "docker.md",
  }),
  cloudrun: entry({
    load: async () => (await import("./cloudrun/index.js")).cloudRun,
    flags: ["project", "region", "registry", "images"],
    pulumi: "cloudrun",
    engine: "cloudrun",
    capabilities: CLOUDRUN_CAPABILITIES,
    title: "Google Cloud Run",
    doc: "cloudrun.md",
  }),
  aca: entry({
    load: async () => (await import("./aca/index.js")).containerApps,
    flags: ["resourceGroup", "location", "environment", "registry", "images"],
    pulumi: "aca",
    engine: "aca",
    capabilities: ACA_CAPABILITIES,
    title: "Azure Container Apps",
    doc: "aca.md",
  }),
  lambda: entry({
    load: async () => (await import("./lambda/index.js")).lambda,
    flags: ["region", "registry", "images"],
    pulumi: "lambda",
    engine: "lambda",
    capabilities: LAMBDA_CAPABILITIES,
    title: "AWS Lambda",
    doc: "lambda.md",
  }),
} as const;

export type LazyBackends = typeof LAZY_BACKENDS;
/** The name of every backend: "knative" | "keda" | "docker" | ... */
export type BackendName = keyof LazyBackends;
/** The factory `LAZY_BACKENDS[N].load()` resolves to. */
export type FactoryOf<N extends BackendName> = Awaited<ReturnType<LazyBackends[N]["load"]>>;
/** The backend object the factory of N returns. */
export type BackendOf<N extends BackendName> = ReturnType<FactoryOf<N>>;
/** Options of the backend named N. */
export type BackendOptionsOf<N extends BackendName> = NonNullable<Parameters<FactoryOf<N>>[0]>;
/** Every backend object type. */
export type AnyBackend = BackendOf<BackendName>;

/** The backend names, in table order (for CLI choices and docs columns). */
export const BACKEND_NAMES = Object.keys(LAZY_BACKENDS) as BackendName[];

// The registry's keys are the backends' own names: checked at compile time (engines and capabilities
// are checked against the created backends in test/docs-generated.test.ts).
type Check<T extends true> = T;
export type _NamesMatch = Check<{ [N in BackendName]: BackendOf<N>["name"] extends N ? true : false }[BackendName]>;

/** The backends that take a CLI flag (for its help text). */
export function backendsWithFlag(flag: CliFlag): BackendName[] {
  return BACKEND_NAMES.filter((n) => (LAZY_BACKENDS[n].flags as readonly CliFlag[]).includes(flag));
}

/** A backend factory taking every CLI flag (each backend reads only its own: {@link fromFlags}). */
export type CliFactory = (flags: CliBackendOptions) => Backend<Plan>;

/** Load the backend named `name` (its module only) and return its factory from CLI flags: only the flags it accepts, and only those set. */
export async function loadFromFlags(name: BackendName): Promise<CliFactory> {
  const e = LAZY_BACKENDS[name] as unknown as LazyBackendEntry<CliBackendOptions, Backend<Plan>>;
  return fromFlags(e.flags, await e.load());
}

/** Wrap a backend factory so that it takes CLI flags and passes on only `accepted` ones that are set. */
export function fromFlags(accepted: readonly CliFlag[], create: (options?: CliBackendOptions) => Backend<Plan>): CliFactory {
  return (flags) => create(Object.fromEntries(accepted.filter((f) => flags[f] !== undefined).map((f) => [f, flags[f]])));
}
