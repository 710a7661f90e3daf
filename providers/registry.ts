// The one list of backends. The CLI (cli/backends.ts), the capability docs (capabilities-doc.ts), the
// Pulumi realisers (pulumi/index.ts) and the tests read it, so a new backend is one entry here; every
// table keyed by backend name or Pulumi realiser is a mapped type over this one, so a missing handler
// does not compile. This module is light: the backends' factories are pure, and it never imports a
// Pulumi or Docker SDK (pulumi/index.ts imports it, not the other way round).
import type { Backend, CapabilityTable, Plan } from "../lib/index.js";
import type { EngineName } from "../lib/vocabulary.js";
import { ACA_CAPABILITIES } from "./aca/capabilities.js";
import { containerApps } from "./aca/index.js";
import { CLOUDRUN_CAPABILITIES } from "./cloudrun/capabilities.js";
import { cloudRun } from "./cloudrun/index.js";
import { DOCKER_CAPABILITIES } from "./docker/capabilities.js";
import { docker } from "./docker/index.js";
import { KEDA_CAPABILITIES } from "./keda/capabilities.js";
import { keda } from "./keda/index.js";
import { KNATIVE_CAPABILITIES } from "./knative/capabilities.js";
import { knative } from "./knative/index.js";
import { LAMBDA_CAPABILITIES } from "./lambda/capabilities.js";
import { lambda } from "./lambda/index.js";

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

/** One backend: how to make it, which CLI flags it takes, how Pulumi deploys it, and what it can do. */
export interface BackendEntry<O, B extends Backend<Plan>> {
  /** The backend factory (pure; no SDK loaded). */
  readonly create: (options?: O) => B;
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
function entry<O, B extends Backend<Plan>>(e: BackendEntry<O, B>): BackendEntry<O, B> {
  return e;
}

/** Every backend, by name: the one place a backend is listed. */
export const BACKENDS = {
  knative: entry({
    create: knative,
    flags: ["namespace", "registry", "images"],
    pulumi: "kubernetes",
    engine: "knative",
    capabilities: KNATIVE_CAPABILITIES,
    title: "Knative",
    doc: "knative.md",
  }),
  keda: entry({
    create: keda,
    flags: ["namespace", "registry", "images"],
    pulumi: "kubernetes",
    engine: "keda",
    capabilities: KEDA_CAPABILITIES,
    title: "KEDA",
    doc: "keda.md",
  }),
  docker: entry({
    create: docker,
    flags: [],
    pulumi: "docker",
    engine: "zeroscale",
    capabilities: DOCKER_CAPABILITIES,
    title: "Docker",
    doc: "docker.md",
  }),
  cloudrun: entry({
    create: cloudRun,
    flags: ["project", "region", "registry", "images"],
    pulumi: "cloudrun",
    engine: "cloudrun",
    capabilities: CLOUDRUN_CAPABILITIES,
    title: "Google Cloud Run",
    doc: "cloudrun.md",
  }),
  aca: entry({
    create: containerApps,
    flags: ["resourceGroup", "location", "environment", "registry", "images"],
    pulumi: "aca",
    engine: "aca",
    capabilities: ACA_CAPABILITIES,
    title: "Azure Container Apps",
    doc: "aca.md",
  }),
  lambda: entry({
    create: lambda,
    flags: ["region", "registry", "images"],
    pulumi: "lambda",
    engine: "lambda",
    capabilities: LAMBDA_CAPABILITIES,
    title: "AWS Lambda",
    doc: "lambda.md",
  }),
} as const;

export type Backends = typeof BACKENDS;
/** The name of every backend: "knative" | "keda" | "docker". */
export type BackendName = keyof Backends;
/** The backend object `BACKENDS[N].create()` returns. */
export type BackendOf<N extends BackendName> = ReturnType<Backends[N]["create"]>;
/** Options of the backend named N. */
export type BackendOptionsOf<N extends BackendName> = NonNullable<Parameters<Backends[N]["create"]>[0]>;
/** Every backend object type. */
export type AnyBackend = BackendOf<BackendName>;

/** The backend names, in table order (for CLI choices and docs columns). */
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

// The registry's keys are the backends' own names: checked at compile time (engines and capabilities
// are checked against the created backends in test/docs-generated.test.ts).
type Check<T extends true> = T;
export type _NamesMatch = Check<{ [N in BackendName]: BackendOf<N>["name"] extends N ? true : false }[BackendName]>;

/** The backends that take a CLI flag (for its help text). */
export function backendsWithFlag(flag: CliFlag): BackendName[] {
  return BACKEND_NAMES.filter((n) => (BACKENDS[n].flags as readonly CliFlag[]).includes(flag));
}

/** Make a backend from CLI flags: only the flags it accepts, and only those set. */
export function createFromFlags(name: BackendName, flags: CliBackendOptions): Backend<Plan> {
  const e = BACKENDS[name] as unknown as BackendEntry<CliBackendOptions, Backend<Plan>>;
  const options = Object.fromEntries(e.flags.filter((f) => flags[f] !== undefined).map((f) => [f, flags[f]]));
  return e.create(options);
}
