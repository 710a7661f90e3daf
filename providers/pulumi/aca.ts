// The aca realiser: a ContainerAppsPlan -> azure-native resources (loaded by submodule, only here).
import type * as docker from "@pulumi/docker";
import type * as P from "@pulumi/pulumi";
import { ACA_TOKENS, type AcaFunctionPlan, type ContainerAppsPlan } from "../aca/plan.js";
import type { ImageBuild } from "../images/spec.js";
import { stageBuild, userStageRoot } from "../images/stage.js";
import { unbuiltImage } from "../kubernetes/pod.js";
import { ZeroscaleComponent } from "./component.js";
import { pushImage } from "./images.js";
import { loadSdk } from "./sdk.js";

const pulumi = loadSdk("@pulumi/pulumi", "zeroscale/pulumi");

/** Azure built-in role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const AZURE_ROLES = {
  /** AcrPull: pull images from a container registry. */
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  /** Key Vault Secrets User: read secret contents. */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
} as const;

/** Options of the aca realiser (deploy()'s third argument). */
export interface ContainerAppsDeployOptions {
  /**
   * Secret values, from Pulumi secrets: `{ "shop-db": { url: config.requireSecret("dbUrl") } }` makes
   * the Container App secret "shop-db-url" hold that value (kept secret in state). A store key not
   * listed here is a Key Vault reference by name (`<keyVault>/secrets/<store>-<key>`), read with the
   * app's managed identity.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, P.Input<string>>>>>;
  /**
   * The Key Vault's resource id: each app's identity that reads a Key Vault reference gets "Key Vault
   * Secrets User" on it (least privilege: that vault only).
   * @default none (grant the role yourself; the plan lists the identities)
   */
  readonly keyVaultId?: P.Input<string>;
  /**
   * The resource id of each Azure Container Registry the apps pull from, by login server
   * (`{ "shop.azurecr.io": registry.id }`): each identity gets AcrPull on that registry only.
   * @default looked up by name in the plan's resource group
   */
  readonly registryIds?: Readonly<Record<string, P.Input<string>>>;
  /** The folder `code.path` and `build.context` are relative to, for `plan.builds`. @default process.cwd() */
  readonly baseDir?: string;
  /**
   * Credentials for pushing `plan.builds` to the registry; for a registry other than ACR, the apps also
   * pull with them (`configuration.registries` username + passwordSecretRef, the password an app secret).
   * @default Docker's own (`az acr login`); ACR images are pulled with the app's identity
   */
  readonly registryAuth?: { readonly username: P.Input<string>; readonly password: P.Input<string> };
  /** The azure-native provider to use. @default the ambient provider */
  readonly provider?: P.ProviderResource;
  /** Parent of the app's component. @default none */
  readonly parent?: P.Resource;
}

/** What the aca realiser registered. */
export interface ContainerAppsDeployed {
  /** The app's component (`zeroscale:index:App`). */
  readonly app: ZeroscaleComponent;
  /** One component per function, by function id. */
  readonly functions: Readonly<Record<string, ZeroscaleComponent>>;
  /** Every Azure resource, by "<kind>/<name>" (ContainerApp/, Job/, UserAssignedIdentity/, RoleAssignment/, ManagedEnvironment/, ResourceGroup/). */
  readonly resources: Readonly<Record<string, P.CustomResource>>;
  /** The image built and pushed for each of `plan.builds`, by function id: the apps run its repoDigest. */
  readonly images: Readonly<Record<string, docker.Image>>;
  /** URL of every HTTP trigger, by trigger id (the app's ingress FQDN + the path). */
  readonly urls: Readonly<Record<string, P.Output<string>>>;
  readonly plan: ContainerAppsPlan;
}

/** Realise a ContainerAppsPlan: resource group and environment (unless given), then per function an identity, its role assignments, the Container App and its schedule jobs. */
export function realiseContainerAppsPlan(plan: ContainerAppsPlan, options: ContainerAppsDeployOptions = {}): ContainerAppsDeployed {
  const need = `deploy() with containerApps()`;
  const appSdk = loadSdk("@pulumi/azure-native/app/index.js", need);
  const identitySdk = loadSdk("@pulumi/azure-native/managedidentity/index.js", need);
  const authz = loadSdk("@pulumi/azure-native/authorization/index.js", need);
  const root = new ZeroscaleComponent("zeroscale:index:App", plan.app, { ...(options.parent ? { parent: options.parent } : {}), ...(options.provider ? { providers: [options.provider] } : {}) });
  const opts = (parent: P.Resource, dependsOn: P.Resource[] = []): P.CustomResourceOptions => ({ parent, ...(dependsOn.length ? { dependsOn } : {}) });
  const resources: Record<string, P.CustomResource> = {};
  let resourceGroupName: P.Input<string> = plan.resourceGroup;
  if (plan.createResourceGroup) {
    const resourcesSdk = loadSdk("@pulumi/azure-native/resources/index.js", need);
    const rg = new resourcesSdk.ResourceGroup(`${plan.app}-rg`, { resourceGroupName: plan.resourceGroup, location: plan.location }, opts(root));
    resources[`ResourceGroup/${plan.resourceGroup}`] = rg;
    resourceGroupName = rg.name;
  }
  let environmentId: P.Input<string> = plan.environment ?? "";
  if (plan.environment === null) {
    const env = new appSdk.ManagedEnvironment(`${plan.app}-env`, { environmentName: `${plan.app}-env`, resourceGroupName, location: plan.location, workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }] }, opts(root));
    resources[`ManagedEnvironment/${plan.app}-env`] = env;
    environmentId = env.id;
  }
  const subscriptionId = authz.getClientConfigOutput({ parent: root }).subscriptionId;
  const roleId = (guid: string) => pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  const buildImage = plan.builds.length > 0 ? imageBuilder(plan, options) : undefined;
  const builds = new Map(plan.builds.map((b) => [b.fn, b]));
  const functions: Record<string, ZeroscaleComponent> = {};
  const images: Record<string, docker.Image> = {};
  const urls: Record<string, P.Output<string>> = {};

  for (const f of plan.functions) {
    const component = (functions[f.id] = new ZeroscaleComponent("zeroscale:index:ServerlessFunction", f.name, { parent: root }));
    const identity = new identitySdk.UserAssignedIdentity(f.identity, { resourceName: f.identity, resourceGroupName, location: plan.location, tags: { ...f.app.tags } }, opts(component));
    resources[`UserAssignedIdentity/${f.identity}`] = identity;
    const grants: P.CustomResource[] = [];
    const grant = (role: keyof typeof AZURE_ROLES, scope: P.Input<string>) => {
      const name = `${f.name}-${role === "acrPull" ? "acrpull" : "kvsecrets"}`;
      const ra = new authz.RoleAssignment(name, { principalId: identity.principalId, principalType: "ServicePrincipal", roleDefinitionId: roleId(AZURE_ROLES[role]), scope }, opts(component));
      resources[`RoleAssignment/${name}`] = ra;
      grants.push(ra);
    };
    if (f.acr) grant("acrPull", options.registryIds?.[f.acr] ?? acrId(f.acr, resourceGroupName, component));
    const values = options.secrets ?? {};
    const fromVault = f.secrets.filter((s) => values[s.store]?.[s.key] === undefined);
    if (fromVault.length > 0 && options.keyVaultId !== undefined) grant("keyVaultSecretsUser", options.keyVaultId);

    const deps: P.Resource[] = [...grants];
    const tokens = new Map<string, P.Input<string>>([[ACA_TOKENS.identity, identity.id], [ACA_TOKENS.environment, environmentId]]);
    const build = builds.get(f.id);
    if (build && buildImage) {
      const image = (images[f.id] = buildImage(build, f.name, component));
      tokens.set(unbuiltImage(build), image.repoDigest);
      deps.push(image);
    }
    const props = withTokens(f.app.properties, tokens) as Record<string, unknown>;
    const configuration: Record<string, unknown> = { ...(props["configuration"] as Record<string, unknown>), ...secretsOf(f, values, identity.id) };
    // A build pushed to a registry other than ACR: the app pulls with registryAuth (the password an app secret).
    const server = build ? (build.repository.split("/")[0] as string) : undefined;
    if (server && !server.endsWith(".azurecr.io") && options.registryAuth) {
      configuration["registries"] = [{ server, username: options.registryAuth.username, passwordSecretRef: "zeroscale-registry-password" }];
      configuration["secrets"] = [...((configuration["secrets"] as unknown[] | undefined) ?? []), { name: "zeroscale-registry-password", value: pulumi.secret(options.registryAuth.password) }];
    }
    const app = new appSdk.ContainerApp(
      f.name,
      {
        containerAppName: f.name,
        resourceGroupName,
        location: plan.location,
        tags: { ...f.app.tags },
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        environmentId: props["environmentId"] as P.Input<string>,
        configuration: configuration as never,
        template: props["template"] as never,
      },
      opts(component, deps),
    );
    resources[`ContainerApp/${f.name}`] = app;
    for (const [trigger, url] of Object.entries(f.urls)) {
      const path = new URL(url.replace("<environment-domain>", "x")).pathname;
      urls[trigger] = pulumi.interpolate`https://${app.latestRevisionFqdn}${path === "/" ? "" : path}`;
    }
    for (const j of f.jobs) {
      const jp = withTokens(j.properties, tokens) as Record<string, unknown>;
      resources[`Job/${j.name}`] = new appSdk.Job(
        j.name,
        { jobName: j.name, resourceGroupName, location: plan.location, tags: { ...j.tags }, identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] }, environmentId: jp["environmentId"] as P.Input<string>, configuration: jp["configuration"] as never, template: jp["template"] as never },
        opts(component, [app]),
      );
    }
    component.complete({});
  }
  root.complete({});
  return { app: root, functions, resources, images, urls, plan };
}

/** configuration.secrets: a value (as a Pulumi secret) where deploy() was given one, else the Key Vault reference read with the app's identity. */
function secretsOf(f: AcaFunctionPlan, values: NonNullable<ContainerAppsDeployOptions["secrets"]>, identity: P.Input<string>): { secrets?: unknown[] } {
  if (f.secrets.length === 0) return {};
  return {
    secrets: f.secrets.map((s) => {
      const v = values[s.store]?.[s.key];
      return v !== undefined ? { name: s.name, value: pulumi.secret(v) } : { name: s.name, keyVaultUrl: s.keyVaultUrl, identity };
    }),
  };
}

/** An ACR's resource id, looked up by name in the plan's resource group. */
function acrId(server: string, resourceGroupName: P.Input<string>, parent: P.Resource): P.Output<string> {
  const acr = loadSdk("@pulumi/azure-native/containerregistry/index.js", "deploy() with containerApps() pulling from ACR");
  return acr.getRegistryOutput({ registryName: server.split(".")[0] as string, resourceGroupName }, { parent }).id;
}

/** `value` with every token (a key of `tokens`, incl. build placeholders) replaced by its Input, in strings. */
function withTokens(value: unknown, tokens: ReadonlyMap<string, P.Input<string>>): unknown {
  if (typeof value === "string") {
    const exact = tokens.get(value);
    if (exact !== undefined) return exact;
    const inside = [...tokens.keys()].filter((t) => value.includes(t));
    if (inside.length === 0) return value;
    return pulumi.all(inside.map((t) => tokens.get(t) as P.Input<string>)).apply((vs) => inside.reduce((s, t, i) => s.split(t).join(vs[i] as string), value));
  }
  if (Array.isArray(value)) return value.map((v) => withTokens(v, tokens));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTokens(v, tokens)]));
  return value;
}

/** Builds and pushes one of `plan.builds` with @pulumi/docker, tagged by its inputs' hash (the same tag `zeroscale build` pushes). */
function imageBuilder(plan: ContainerAppsPlan, options: ContainerAppsDeployOptions): (build: ImageBuild, name: string, parent: P.Resource) => docker.Image {
  const baseDir = options.baseDir ?? process.cwd();
  const stageRoot = userStageRoot(plan.app);
  // Container Apps runs linux/amd64 images only.
  return (build, name, parent) => pushImage(name, build.repository, stageBuild(build, baseDir, stageRoot), parent, { auth: options.registryAuth, platform: "linux/amd64" });
}
