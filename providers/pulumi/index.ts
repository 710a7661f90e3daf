import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type App, type Diagnostic, synth } from "../../lib/index.js";
import type { DockerPlan } from "../docker/plan.js";
import type { KubePlan, KubeResource } from "../kubernetes/plan.js";
import { type AnyBackend, BACKENDS, type Backends, type PulumiRealiser } from "../registry.js";
import { ZeroscaleComponent } from "./component.js";
import { loadSdk } from "./sdk.js";
import { type DockerDeployed, type DockerDeployOptions, realiseDockerPlan } from "./docker.js";

export { ZeroscaleComponent } from "./component.js";
export { MissingSdkError } from "./sdk.js";
export { type DockerDeployed, type DockerDeployOptions, realiseDockerPlan } from "./docker.js";

/** Options of {@link deploy}. */
export interface DeployOptions {
  /**
   * Secret values to create, from Pulumi secrets: `{ "shop-db": { url: config.requireSecret("dbUrl") } }`
   * creates a Kubernetes Secret "shop-db" whose values stay secret in state and outputs. Stores not
   * listed here must already exist in the cluster.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, pulumi.Input<string>>>>>;
  /** The Kubernetes provider to use. @default the ambient provider */
  readonly provider?: pulumi.ProviderResource;
  /** Parent of the app's component. @default none */
  readonly parent?: pulumi.Resource;
}

/** What {@link deploy} registered. */
export interface Deployed {
  /** The app's component (`zeroscale:index:App`). */
  readonly app: ZeroscaleComponent;
  /** One component per function (`zeroscale:index:ServerlessFunction`), by function id. */
  readonly functions: Readonly<Record<string, ZeroscaleComponent>>;
  /** Every engine resource, by plan key ("<apiVersion>/<kind>/<name>"). */
  readonly resources: Readonly<Record<string, pulumi.CustomResource>>;
  /** Secrets created from `options.secrets`, by store name. */
  readonly secrets: Readonly<Record<string, k8s.core.v1.Secret>>;
  /** URL of every HTTP trigger, by trigger id. */
  readonly urls: Readonly<Record<string, pulumi.Output<string>>>;
  /** The compiled plan the resources were made from. */
  readonly plan: KubePlan;
}

/** Backends {@link deploy} can realise: every backend in providers/registry.ts. */
export type DeployableBackend = AnyBackend;

/** What each Pulumi realiser takes and returns, by the realiser names providers/registry.ts uses. */
export interface Realisers {
  readonly kubernetes: { readonly plan: KubePlan; readonly options: DeployOptions; readonly deployed: Deployed };
  readonly docker: { readonly plan: DockerPlan; readonly options: DockerDeployOptions; readonly deployed: DockerDeployed };
}
/** The realiser the registry names for a backend. */
export type RealiserOf<B extends DeployableBackend> = Backends[B["name"]]["pulumi"];
/** deploy()'s options for a backend. */
export type DeployOptionsFor<B extends DeployableBackend> = Realisers[RealiserOf<B>]["options"];
/** What deploy() returns for a backend. */
export type DeployedFor<B extends DeployableBackend> = Realisers[RealiserOf<B>]["deployed"];

/** One realiser per name in {@link PulumiRealiser}: a registry entry naming a new one fails to compile here until it exists. */
const REALISERS: { readonly [R in PulumiRealiser]: (plan: Realisers[R]["plan"], options: Realisers[R]["options"]) => Realisers[R]["deployed"] } = {
  kubernetes: realiseKubePlan,
  docker: realiseDockerPlan,
};

/**
 * Inside a Pulumi program: synthesize `app`, compile it with `backend`, and register the resources
 * with the realiser its registry entry names (Kubernetes: each function's under one
 * `zeroscale:index:ServerlessFunction` component). Call it after the Pulumi runtime is set up (in
 * tests: after `pulumi.runtime.setMocks`).
 */
export function deploy<B extends DeployableBackend>(app: App, backend: B, options?: DeployOptionsFor<B>): DeployedFor<B> {
  const graph = synth(app);
  const plan = backend.compile(graph);
  warn(plan.warnings);
  const realise = REALISERS[BACKENDS[backend.name].pulumi] as (plan: unknown, options: unknown) => DeployedFor<B>;
  return realise(plan, options ?? {});
}

function warn(warnings: readonly Diagnostic[]): void {
  for (const w of warnings) pulumi.log.warn(`${w.code} ${w.path}: ${w.prop} ${w.problem}; ${w.fix}`);
}

/** Register a Kubernetes plan's resources (shared by the Knative and KEDA backends). */
export function realiseKubePlan(plan: KubePlan, options: DeployOptions = {}): Deployed {
  const k8s = loadSdk("@pulumi/kubernetes", `deploy() of a Kubernetes plan (${plan.backend})`);
  const appComponent = new ZeroscaleComponent("zeroscale:index:App", plan.app, options.parent ? { parent: options.parent } : {});
  const base: pulumi.CustomResourceOptions = options.provider ? { provider: options.provider } : {};

  const secrets: Record<string, k8s.core.v1.Secret> = {};
  for (const store of Object.keys(options.secrets ?? {}).sort()) {
    const values = (options.secrets ?? {})[store] as Record<string, pulumi.Input<string>>;
    secrets[store] = new k8s.core.v1.Secret(
      `${plan.app}-${store}`,
      {
        metadata: { name: store, namespace: plan.namespace, labels: { "app.kubernetes.io/part-of": plan.app, "app.kubernetes.io/managed-by": "zeroscale" } },
        type: "Opaque",
        stringData: pulumi.secret(values),
      },
      { ...base, parent: appComponent, additionalSecretOutputs: ["data", "stringData"] },
    );
  }

  const byKey = new Map(plan.resources.map((r) => [r.key, r]));
  const resources: Record<string, pulumi.CustomResource> = {};
  const functions: Record<string, ZeroscaleComponent> = {};
  const urls: Record<string, pulumi.Output<string>> = {};
  for (const f of plan.functions) {
    const component = new ZeroscaleComponent("zeroscale:index:ServerlessFunction", f.name, { parent: appComponent });
    functions[f.id] = component;
    for (const key of f.resources) {
      const r = byKey.get(key) as KubeResource;
      const dependsOn = [...r.dependsOn.map((k) => resources[k]).filter((x): x is pulumi.CustomResource => x !== undefined), ...secretDeps(r, secrets)];
      resources[key] = register(k8s, r, { ...base, parent: component, dependsOn });
    }
    const fnUrls: Record<string, pulumi.Output<string>> = {};
    for (const [trigger, url] of Object.entries(f.urls)) fnUrls[trigger] = urls[trigger] = pulumi.output(url);
    component.complete({ urls: fnUrls });
  }
  appComponent.complete({ urls });
  return { app: appComponent, functions, resources, secrets, urls, plan };
}

/** The created Secrets a resource's pods read. */
function secretDeps(r: KubeResource, secrets: Record<string, k8s.core.v1.Secret>): k8s.core.v1.Secret[] {
  if (Object.keys(secrets).length === 0) return [];
  const text = JSON.stringify(r.manifest);
  return Object.entries(secrets)
    .filter(([store]) => text.includes(`"secretKeyRef":{"name":${JSON.stringify(store)}`) || text.includes(`"name":${JSON.stringify(store)},"key"`))
    .map(([, s]) => s);
}

/** One plan resource -> the typed @pulumi/kubernetes class for core kinds, CustomResource for CRDs. */
function register(k8s: typeof import("@pulumi/kubernetes"), r: KubeResource, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const { apiVersion, kind, metadata, ...rest } = r.manifest;
  const name = `${metadata.name}-${kind.toLowerCase()}`;
  const spec = rest["spec"] as never;
  switch (`${apiVersion}/${kind}`) {
    case "apps/v1/Deployment":
      return new k8s.apps.v1.Deployment(name, { metadata, spec }, opts);
    case "v1/Service":
      return new k8s.core.v1.Service(name, { metadata, spec }, opts);
    case "batch/v1/CronJob":
      return new k8s.batch.v1.CronJob(name, { metadata, spec }, opts);
    default:
      return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, metadata, ...rest }, opts);
  }
}
