// The Cloud Run realiser: a CloudRunPlan as @pulumi/gcp resources (cloudrunv2 Service, service accounts,
// IAM members, Secret Manager, Cloud Scheduler, Artifact Registry) and @pulumi/docker images for builds.
// Each SDK is loaded by submodule file, only when the plan needs it (providers/pulumi/sdk.ts).
import type * as docker from "@pulumi/docker";
import type * as P from "@pulumi/pulumi";
import { needsGen1 } from "../cloudrun/limits.js";
import { type CloudRunPlan, type CloudRunServicePlan, secretIdOf } from "../cloudrun/plan.js";
import type { ImageBuild } from "../images/spec.js";
import { stageBuild, userStageRoot } from "../images/stage.js";
import { ZeroscaleComponent } from "./component.js";
import { pushImage } from "./images.js";
import { loadSdk } from "./sdk.js";

const pulumi = loadSdk("@pulumi/pulumi", "zeroscale/pulumi");
const NEEDED_BY = "deploy() with cloudRun()";

/** Options of the cloudrun realiser (deploy()'s third argument). */
export interface CloudRunDeployOptions {
  /**
   * Secret values to create in Secret Manager, from Pulumi secrets:
   * `{ "shop-db": { url: config.requireSecret("dbUrl") } }` creates the secret "shop-db-url" with one
   * version holding the value (secret in state and outputs). Stores not listed here must already exist
   * as Secret Manager secrets `<store>-<key>`.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, P.Input<string>>>>>;
  /** The folder `code.path` and `build.context` are relative to, for `plan.builds`. @default process.cwd() */
  readonly baseDir?: string;
  /** The @pulumi/gcp provider to use. @default the ambient provider */
  readonly provider?: P.ProviderResource;
  /** Parent of the app's component. @default none */
  readonly parent?: P.Resource;
  /**
   * Credentials for pushing `plan.builds` to Artifact Registry, e.g. `{ username: "oauth2accesstoken",
   * password: <an access token, as a secret> }`.
   * @default Docker's own credentials (`gcloud auth configure-docker <region>-docker.pkg.dev`)
   */
  readonly registryAuth?: { readonly username: P.Input<string>; readonly password: P.Input<string> };
}

/** What the cloudrun realiser registered. */
export interface CloudRunDeployed {
  /** The app's component (`zeroscale:index:App`). */
  readonly app: ZeroscaleComponent;
  /** One component per function (`zeroscale:index:ServerlessFunction`), by function id. */
  readonly functions: Readonly<Record<string, ZeroscaleComponent>>;
  /** Every registered cloud resource, by "<kind>/<name>" (as the plan view lists them) under its function id. */
  readonly resources: Readonly<Record<string, Readonly<Record<string, P.CustomResource>>>>;
  /** The Secret Manager secret versions created from `options.secrets`, by secret id (`<store>-<key>`); their data is a Pulumi secret. */
  readonly secrets: Readonly<Record<string, import("@pulumi/gcp/secretmanager/index.js").SecretVersion>>;
  /** The image built and pushed for each of `plan.builds`, by function id; the service runs its repoDigest. */
  readonly images: Readonly<Record<string, docker.Image>>;
  /** URL of every HTTP trigger (the service URL + the trigger's path), by trigger id. */
  readonly urls: Readonly<Record<string, P.Output<string>>>;
  readonly plan: CloudRunPlan;
}

/** Register a Cloud Run plan. */
export function realiseCloudRunPlan(plan: CloudRunPlan, options: CloudRunDeployOptions = {}): CloudRunDeployed {
  const run = loadSdk("@pulumi/gcp/cloudrunv2/index.js", NEEDED_BY);
  const sa = loadSdk("@pulumi/gcp/serviceaccount/index.js", NEEDED_BY);
  const appComponent = new ZeroscaleComponent("zeroscale:index:App", plan.app, options.parent ? { parent: options.parent } : {});
  const base: P.CustomResourceOptions = options.provider ? { provider: options.provider } : {};
  const project = plan.project ?? undefined;
  const where = { ...(project ? { project } : {}) };

  const repository = plan.repository
    ? new (loadSdk("@pulumi/gcp/artifactregistry/index.js", NEEDED_BY).Repository)(`${plan.app}-registry`, { repositoryId: plan.repository.id, location: plan.repository.location, project: plan.repository.project, format: "DOCKER" }, { ...base, parent: appComponent })
    : undefined;

  // Secret Manager secrets and their one version, only from the values given (as Pulumi secrets).
  const created = new Map<string, import("@pulumi/gcp/secretmanager/index.js").SecretVersion>();
  const storeNames = Object.keys(options.secrets ?? {}).sort();
  if (storeNames.length > 0) {
    const sm = loadSdk("@pulumi/gcp/secretmanager/index.js", NEEDED_BY);
    for (const store of storeNames) {
      const values = (options.secrets ?? {})[store] as Record<string, P.Input<string>>;
      for (const key of Object.keys(values).sort()) {
        const id = secretIdOf(store, key);
        const secret = new sm.Secret(id, { secretId: id, replication: { auto: {} }, labels: { "zeroscale-app": plan.app, "managed-by": "zeroscale" }, ...where }, { ...base, parent: appComponent });
        const version = new sm.SecretVersion(`${id}-v`, { secret: secret.id, secretData: pulumi.secret(values[key] as P.Input<string>) }, { ...base, parent: secret, additionalSecretOutputs: ["secretData"] });
        created.set(id, version);
      }
    }
  }

  const buildImage = plan.builds.length > 0 ? imageBuilder(plan, options) : undefined;
  const builds = new Map(plan.builds.map((b) => [b.fn, b]));
  const functions: Record<string, ZeroscaleComponent> = {};
  const resources: Record<string, Record<string, P.CustomResource>> = {};
  const images: Record<string, docker.Image> = {};
  const urls: Record<string, P.Output<string>> = {};
  for (const s of plan.services) {
    const component = (functions[s.id] = new ZeroscaleComponent("zeroscale:index:ServerlessFunction", s.name, { parent: appComponent }));
    const opts: P.CustomResourceOptions = { ...base, parent: component };
    const own: Record<string, P.CustomResource> = (resources[s.id] = {});
    const identity = (own[`ServiceAccount/${s.serviceAccount}`] = new sa.Account(`${s.name}-sa`, { accountId: s.serviceAccount, displayName: `zeroscale ${s.id} (runtime)`, ...where }, opts)) as InstanceType<typeof sa.Account>;
    const readers: P.Resource[] = [];
    if (s.secrets.length > 0) {
      const sm = loadSdk("@pulumi/gcp/secretmanager/index.js", NEEDED_BY);
      for (const id of s.secrets) {
        const secret = created.get(id);
        // Least privilege: secretAccessor on each secret this function reads, nothing project-wide.
        readers.push((own[`SecretIamMember/${id}`] = new sm.SecretIamMember(`${s.name}-${id}-accessor`, { secretId: id, role: "roles/secretmanager.secretAccessor", member: pulumi.interpolate`serviceAccount:${identity.email}`, ...where }, { ...opts, dependsOn: secret ? [secret] : [] })));
      }
    }
    const build = builds.get(s.id);
    let image: P.Input<string> = s.container.image;
    if (build && buildImage) {
      const built = (images[s.id] = buildImage(build, s.name, component, repository));
      image = built.repoDigest;
      readers.push(built);
    }
    const service = (own[`Service/${s.name}`] = new run.Service(s.name, serviceArgs(plan, s, image, identity.email), { ...opts, dependsOn: readers })) as InstanceType<typeof run.Service>;
    if (s.public) {
      own["ServiceIamMember/allUsers"] = new run.ServiceIamMember(`${s.name}-public`, { name: service.name, location: plan.region, role: "roles/run.invoker", member: "allUsers", ...where }, opts);
    }
    if (s.invoker && s.schedules.length > 0) {
      const scheduler = loadSdk("@pulumi/gcp/cloudscheduler/index.js", NEEDED_BY);
      const invoker = (own[`ServiceAccount/${s.invoker}`] = new sa.Account(`${s.name}-invoker`, { accountId: s.invoker, displayName: `zeroscale ${s.id} (Cloud Scheduler invoker)`, ...where }, opts)) as InstanceType<typeof sa.Account>;
      // roles/run.invoker on this one service only.
      const grant = (own[`ServiceIamMember/${s.invoker}`] = new run.ServiceIamMember(`${s.name}-invoker`, { name: service.name, location: plan.region, role: "roles/run.invoker", member: pulumi.interpolate`serviceAccount:${invoker.email}`, ...where }, opts));
      for (const j of s.schedules) {
        own[`Job/${j.name}`] = new scheduler.Job(
          j.name,
          {
            name: j.name,
            region: plan.region,
            schedule: j.cron,
            timeZone: j.timezone,
            attemptDeadline: `${j.attemptDeadlineSeconds}s`,
            retryConfig: { ...j.retry },
            httpTarget: {
              uri: pulumi.interpolate`${service.uri}/`,
              httpMethod: "POST",
              ...(j.body ? { body: Buffer.from(j.body).toString("base64") } : {}),
              headers: { ...j.headers },
              oidcToken: { serviceAccountEmail: invoker.email, audience: service.uri },
            },
            ...where,
          },
          { ...opts, dependsOn: [grant] },
        );
      }
    }
    const fnUrls: Record<string, P.Output<string>> = {};
    for (const [trigger, h] of Object.entries(s.http)) fnUrls[trigger] = urls[trigger] = pulumi.interpolate`${service.uri}${h.path === "/" ? "" : h.path}`;
    component.complete({ urls: fnUrls });
  }
  appComponent.complete({ urls });
  return { app: appComponent, functions, resources, secrets: Object.fromEntries(created), images, urls, plan };
}

/** The cloudrunv2 Service inputs: scaling from the engine model's effective values, explicit cpuIdle, secrets by reference. */
function serviceArgs(plan: CloudRunPlan, s: CloudRunServicePlan, image: P.Input<string>, email: P.Output<string>): import("@pulumi/gcp/cloudrunv2/index.js").ServiceArgs {
  const c = s.container;
  return {
    name: s.name,
    location: plan.region,
    ...(plan.project ? { project: plan.project } : {}),
    ingress: "INGRESS_TRAFFIC_ALL",
    deletionProtection: false,
    labels: { ...s.labels },
    annotations: { "zeroscale.dev/owner": s.id },
    template: {
      labels: { ...s.labels },
      serviceAccount: email,
      timeout: `${s.timeoutSeconds}s`,
      maxInstanceRequestConcurrency: s.concurrency,
      // A fraction of a CPU runs only in the first-generation execution environment.
      ...(needsGen1(c.cpu) ? { executionEnvironment: "EXECUTION_ENVIRONMENT_GEN1" } : {}),
      scaling: { minInstanceCount: s.scaling.minInstances, maxInstanceCount: s.scaling.maxInstances },
      containers: [
        {
          name: "function",
          image,
          ...(c.command ? { commands: [...c.command] } : {}),
          ...(c.args ? { args: [...c.args] } : {}),
          ports: { name: "http1", containerPort: c.port },
          envs: c.env.map((e) => ("value" in e ? { name: e.name, value: e.value } : { name: e.name, valueSource: { secretKeyRef: { secret: e.secret.id, version: e.secret.version } } })),
          resources: { limits: { cpu: c.cpu, memory: c.memory }, cpuIdle: s.cpuIdle, startupCpuBoost: false },
          startupProbe: { httpGet: { path: c.startupProbePath, port: c.port } },
        },
      ],
    },
  };
}

/** Builds and pushes one of `plan.builds` with @pulumi/docker (as realiseKubePlan does), tagged by its inputs' hash. */
function imageBuilder(plan: CloudRunPlan, options: CloudRunDeployOptions): (build: ImageBuild, name: string, parent: P.Resource, repository: P.Resource | undefined) => docker.Image {
  const baseDir = options.baseDir ?? process.cwd();
  const stageRoot = userStageRoot(plan.app);
  // Cloud Run runs linux/amd64 images only.
  return (build, name, parent, repository) =>
    pushImage(name, build.repository, stageBuild(build, baseDir, stageRoot), parent, { auth: options.registryAuth, platform: "linux/amd64", dependsOn: repository ? [repository] : [] });
}
