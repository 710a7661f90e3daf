import type * as docker from "@pulumi/docker";
import type * as k8s from "@pulumi/kubernetes";
import type * as P from "@pulumi/pulumi";
import { type App, type Diagnostic, synth } from "../../lib/index.js";
import type { DockerPlan } from "../docker/plan.js";
import type { ImageBuild } from "../images/spec.js";
import { stageBuild, userStageRoot } from "../images/stage.js";
import type { KubeObject, KubePlan, KubeResource } from "../kubernetes/plan.js";
import { unbuiltImage } from "../kubernetes/pod.js";
import { type AnyBackend, BACKENDS, type Backends, type PulumiRealiser } from "../registry.js";
import { ZeroscaleComponent } from "./component.js";
import type { ContainerAppsPlan } from "../aca/plan.js";
import type { CloudRunPlan } from "../cloudrun/plan.js";
import type { LambdaPlan } from "../lambda/plan.js";
import { type ContainerAppsDeployed, type ContainerAppsDeployOptions, realiseContainerAppsPlan } from "./aca.js";
import { type CloudRunDeployed, type CloudRunDeployOptions, realiseCloudRunPlan } from "./cloudrun.js";
import { type LambdaDeployed, type LambdaDeployOptions, realiseLambdaPlan } from "./lambda.js";
import { pushImage } from "./images.js";
import { loadSdk } from "./sdk.js";
import { type DockerDeployed, type DockerDeployOptions, realiseDockerPlan } from "./docker.js";

/** @pulumi/pulumi, the user's own copy (an optional peer; a clear error names it when missing). */
const pulumi = loadSdk("@pulumi/pulumi", "zeroscale/pulumi");

export { ZeroscaleComponent } from "./component.js";
export { MissingSdkError } from "./sdk.js";
export { type ContainerAppsDeployed, type ContainerAppsDeployOptions, realiseContainerAppsPlan } from "./aca.js";
export { type CloudRunDeployed, type CloudRunDeployOptions, realiseCloudRunPlan } from "./cloudrun.js";
export { type LambdaDeployed, type LambdaDeployOptions, realiseLambdaPlan } from "./lambda.js";
export { type DockerDeployed, type DockerDeployOptions, realiseDockerPlan } from "./docker.js";

/** Options of {@link deploy}. */
export interface DeployOptions {
  /**
   * Secret values to create, from Pulumi secrets: `{ "shop-db": { url: config.requireSecret("dbUrl") } }`
   * creates a Kubernetes Secret "shop-db" whose values stay secret in state and outputs. Stores not
   * listed here must already exist in the cluster.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, P.Input<string>>>>>;
  /** The Kubernetes provider to use. @default the ambient provider */
  readonly provider?: P.ProviderResource;
  /** Parent of the app's component. @default none */
  readonly parent?: P.Resource;
  /**
   * The folder `code.path` and `build.context` are relative to (the program's folder), for the images
   * of `plan.builds` (code/build functions of a backend given a `registry`).
   * @default process.cwd()
   */
  readonly baseDir?: string;
  /**
   * Credentials for pushing `plan.builds`' images to the backend's `registry` (its host is the
   * server). Read them from Pulumi config, the password as a secret:
   * `{ username: config.require("registryUser"), password: config.requireSecret("registryPassword") }`;
   * the password is kept secret either way.
   * @default Docker's own credentials (`docker login`, credential helpers)
   */
  readonly registryAuth?: { readonly username: P.Input<string>; readonly password: P.Input<string> };
}

/** What {@link deploy} registered. */
export interface Deployed {
  /** The app's component (`zeroscale:index:App`). */
  readonly app: ZeroscaleComponent;
  /** One component per function (`zeroscale:index:ServerlessFunction`), by function id. */
  readonly functions: Readonly<Record<string, ZeroscaleComponent>>;
  /** Every engine resource, by plan key ("<apiVersion>/<kind>/<name>"). */
  readonly resources: Readonly<Record<string, P.CustomResource>>;
  /** Secrets created from `options.secrets`, by store name. */
  readonly secrets: Readonly<Record<string, k8s.core.v1.Secret>>;
  /**
   * The image built and pushed for each of `plan.builds`, by function id (@pulumi/docker's Image):
   * the workloads run its `repoDigest` (`<repository>@sha256:...`), never a tag.
   */
  readonly images: Readonly<Record<string, docker.Image>>;
  /** URL of every HTTP trigger, by trigger id. */
  readonly urls: Readonly<Record<string, P.Output<string>>>;
  /** The compiled plan the resources were made from (its manifests still name the builds' placeholders). */
  readonly plan: KubePlan;
}

/** Backends {@link deploy} can realise: every backend in providers/registry.ts. */
export type DeployableBackend = AnyBackend;

/** What each Pulumi realiser takes and returns, by the realiser names providers/registry.ts uses. */
export interface Realisers {
  readonly kubernetes: { readonly plan: KubePlan; readonly options: DeployOptions; readonly deployed: Deployed };
  readonly docker: { readonly plan: DockerPlan; readonly options: DockerDeployOptions; readonly deployed: DockerDeployed };
  readonly cloudrun: { readonly plan: CloudRunPlan; readonly options: CloudRunDeployOptions; readonly deployed: CloudRunDeployed };
  readonly aca: { readonly plan: ContainerAppsPlan; readonly options: ContainerAppsDeployOptions; readonly deployed: ContainerAppsDeployed };
  readonly lambda: { readonly plan: LambdaPlan; readonly options: LambdaDeployOptions; readonly deployed: LambdaDeployed };
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
  cloudrun: realiseCloudRunPlan,
  aca: realiseContainerAppsPlan,
  lambda: realiseLambdaPlan,
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

/**
 * Register a Kubernetes plan's resources (shared by the Knative and KEDA backends). Each of
 * `plan.builds` is staged (a code function's generated context under
 * `<os.tmpdir()>/zeroscale-builds-<uid>/<app>/`), built and pushed by a @pulumi/docker Image under its
 * function's component, and every occurrence of its placeholder in the manifests becomes the
 * Image's `repoDigest`, so the cluster runs exactly the pushed image; the workloads depend on it.
 */
export function realiseKubePlan(plan: KubePlan, options: DeployOptions = {}): Deployed {
  const k8s = loadSdk("@pulumi/kubernetes", `deploy() of a Kubernetes plan (${plan.backend})`);
  const appComponent = new ZeroscaleComponent("zeroscale:index:App", plan.app, options.parent ? { parent: options.parent } : {});
  const base: P.CustomResourceOptions = options.provider ? { provider: options.provider } : {};

  const secrets: Record<string, k8s.core.v1.Secret> = {};
  for (const store of Object.keys(options.secrets ?? {}).sort()) {
    const values = (options.secrets ?? {})[store] as Record<string, P.Input<string>>;
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
  const builds = new Map((plan.builds ?? []).map((b) => [b.fn, b]));
  const buildImage = builds.size > 0 ? imageBuilder(plan, options) : undefined;
  const resources: Record<string, P.CustomResource> = {};
  const functions: Record<string, ZeroscaleComponent> = {};
  const images: Record<string, docker.Image> = {};
  const digests = new Map<string, { image: docker.Image; digest: P.Output<string> }>(); // placeholder -> pushed image
  const urls: Record<string, P.Output<string>> = {};
  for (const f of plan.functions) {
    const component = new ZeroscaleComponent("zeroscale:index:ServerlessFunction", f.name, { parent: appComponent });
    functions[f.id] = component;
    const build = builds.get(f.id);
    if (build && buildImage) {
      const image = (images[f.id] = buildImage(build, f.name, component));
      digests.set(unbuiltImage(build), { image, digest: image.repoDigest });
    }
    for (const key of f.resources) {
      const r = byKey.get(key) as KubeResource;
      const text = digests.size > 0 ? JSON.stringify(r.manifest) : "";
      const built = [...digests].filter(([placeholder]) => text.includes(placeholder));
      const dependsOn = [...r.dependsOn.map((k) => resources[k]).filter((x): x is P.CustomResource => x !== undefined), ...secretDeps(r, secrets), ...built.map(([, b]) => b.image)];
      const manifest = built.length > 0 ? (withDigests(r.manifest, new Map(built.map(([p, b]) => [p, b.digest]))) as KubeObject) : r.manifest;
      resources[key] = register(k8s, manifest, { ...base, parent: component, dependsOn });
    }
    const fnUrls: Record<string, P.Output<string>> = {};
    for (const [trigger, url] of Object.entries(f.urls)) fnUrls[trigger] = urls[trigger] = pulumi.output(url);
    component.complete({ urls: fnUrls });
  }
  appComponent.complete({ urls });
  return { app: appComponent, functions, resources, secrets, images, urls, plan };
}

/**
 * What builds and pushes one of `plan.builds`: @pulumi/docker (an optional peer, loaded only when a
 * plan has builds), the staged context, and the registry's credentials.
 */
function imageBuilder(plan: KubePlan, options: DeployOptions): (build: ImageBuild, name: string, parent: P.Resource) => docker.Image {
  const baseDir = options.baseDir ?? process.cwd();
  const stageRoot = userStageRoot(plan.app);
  return (build, name, parent) => pushImage(name, build.repository, stageBuild(build, baseDir, stageRoot), parent, { auth: options.registryAuth });
}

/** `value` with every placeholder (a key of `digests`) replaced by its pushed digest, wherever it occurs (resource inputs nest Outputs anywhere). */
function withDigests(value: unknown, digests: ReadonlyMap<string, P.Output<string>>): unknown {
  if (typeof value === "string") {
    const exact = digests.get(value);
    if (exact) return exact;
    const inside = [...digests.keys()].filter((p) => value.includes(p));
    if (inside.length === 0) return value;
    return pulumi.all(inside.map((p) => digests.get(p) as P.Output<string>)).apply((ds) => inside.reduce((s, p, i) => s.split(p).join(ds[i] as string), value));
  }
  if (Array.isArray(value)) return value.map((v) => withDigests(v, digests));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDigests(v, digests)]));
  return value;
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
function register(k8s: typeof import("@pulumi/kubernetes"), manifest: KubeObject, opts: P.CustomResourceOptions): P.CustomResource {
  const { apiVersion, kind, metadata, ...rest } = manifest;
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
