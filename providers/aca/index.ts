import { assertNever, type Backend, BackendError, type DeploymentGraph, Diagnostics, type FunctionNode, type NodeHandlers, type PlanView, type TriggerNode, applySuppressions, visitGraph } from "../../lib/index.js";
import { ACA_DEFAULTS } from "../../lib/engines/aca/defaults.js";
import { type AcaEngineOptions, acaEngine, acaRules } from "../../lib/engines/aca/model.js";
import { effectiveDelivery } from "../../lib/events/models.js";
import { IMAGE_REF } from "../../lib/validation/patterns.js";
import { isRepository } from "../images/image-map.js";
import { DEFAULT_CODE_BASE_IMAGE, type ImageBuild, imageBuildOf } from "../images/spec.js";
import { type ImageOptions, unbuiltImage } from "../kubernetes/pod.js";
import { acaArtifacts } from "./artifacts.js";
import { ACA_CAPABILITIES } from "./capabilities.js";
import { scheduleJob } from "./job.js";
import { ACA_TOKENS, type AcaFunctionPlan, type AcaResource, type AcaSecret, type ContainerAppsPlan } from "./plan.js";
import { acaName, azureTags, consumptionPair, secretName } from "./resources.js";
import { type AcaEnv, queueEnv, scaleRules } from "./rules.js";

/** Options of the Azure Container Apps backend. */
export interface ContainerAppsOptions extends Pick<ImageOptions, "registry" | "images" | "baseImage"> {
  /** The resource group everything goes in (--resource-group). @default "<app>-rg", which deploy() creates */
  readonly resourceGroup?: string;
  /** The Azure location (--location), e.g. "westeurope". @default "westeurope" */
  readonly location?: string;
  /**
   * The Container Apps managed environment's resource id (--environment), e.g.
   * "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.App/managedEnvironments/<name>".
   * @default none: deploy() creates "<app>-env" (Consumption profile, logs off) in the resource group
   */
  readonly environment?: string;
  /**
   * The Key Vault (its URI) that secret references name: a function's `{ secret, key }` becomes the
   * Container App secret `<secret>-<key>` with keyVaultUrl `<keyVault>/secrets/<secret>-<key>`, read
   * with the app's managed identity, unless deploy() is given its value as a Pulumi secret.
   * @default "https://<app>-kv.vault.azure.net"
   */
  readonly keyVault?: string;
  /** template.scale.pollingInterval in seconds: how often KEDA checks the rules (activation, 1 -> 0). @default 30 */
  readonly pollingInterval?: number;
  /**
   * Let anyone on the internet call the apps that have an HTTP trigger: their ingress is external
   * (`external: true`) with no authentication. Otherwise ingress is internal to the managed
   * environment (`external: false`): only other apps and jobs in it (or a front door you put in the
   * environment's network) reach the HTTP triggers (warning ZS-ACA-INGRESS-INTERNAL).
   * @default false
   */
  readonly allowUnauthenticated?: boolean;
  /** Image of the schedule jobs' container that sends the events (needs `sh` and `curl`). @default "curlimages/curl:8.11.1" */
  readonly cronImage?: string;
}

/** The Azure Container Apps backend: one Container App per function, scaled by its KEDA rules; schedules as Container Apps jobs. */
export interface ContainerAppsBackend extends Backend<ContainerAppsPlan> {
  readonly name: "aca";
  readonly engine: "aca";
  readonly target: "aca";
  readonly options: ContainerAppsOptions;
}

interface Building {
  fn: FunctionNode;
  name: string;
  props: { environmentId: string; configuration: Record<string, unknown>; template: { containers: Record<string, unknown>[]; scale?: Record<string, unknown> } };
  jobs: (AcaResource & { trigger: string })[];
  secrets: Map<string, AcaSecret>;
  acr: string | null;
  effective: AcaFunctionPlan["effective"];
  urls: Record<string, string>;
  triggers: string[];
  external: boolean;
}

interface Ctx {
  readonly d: Diagnostics;
  readonly triggers: Map<string, TriggerNode[]>;
  readonly fns: Map<string, Building>;
  readonly builds: ImageBuild[];
}

/** Compile zeroscale apps to Azure Container Apps. */
export function containerApps(options: ContainerAppsOptions = {}): ContainerAppsBackend {
  const location = options.location ?? "westeurope";
  const engineOptions: AcaEngineOptions = options.pollingInterval !== undefined ? { pollingIntervalSeconds: options.pollingInterval } : {};
  const polling = options.pollingInterval ?? ACA_DEFAULTS.pollingIntervalSeconds;
  const environmentId = options.environment ?? ACA_TOKENS.environment;

  const compile = (graph: DeploymentGraph): ContainerAppsPlan => {
    const app = graph.app.name;
    const keyVault = (options.keyVault ?? `https://${app}-kv.vault.azure.net`).replace(/\/+$/, "");
    const baseTags = { ...azureTags(graph.app.labels), "app.kubernetes.io_part-of": app, "app.kubernetes.io_managed-by": "zeroscale" };
    const ctx: Ctx = { d: new Diagnostics(), triggers: new Map(), fns: new Map(), builds: [] };
    for (const n of graph.nodes) if (n.kind === "trigger") ctx.triggers.set(n.target, [...(ctx.triggers.get(n.target) ?? []), n]);
    const useSecret = (b: Building) => (store: string, key: string) => {
      const name = secretName(store, key);
      b.secrets.set(name, { name, store, key, keyVaultUrl: `${keyVault}/secrets/${name}` });
      return name;
    };

    const handlers: NodeHandlers<Ctx> = {
      function(fn, { d, triggers, fns, builds }) {
        const ts = triggers.get(fn.id) ?? [];
        const name = acaName(fn.name);
        const image = imageOf(d, fn, options, builds);
        const pair = consumptionPair(fn, d);
        const b: Building = { fn, name, props: { environmentId, configuration: {}, template: { containers: [] } }, jobs: [], secrets: new Map(), acr: null, effective: null, urls: {}, triggers: [], external: false };
        fns.set(fn.id, b);
        const host = image ? registryHost(image) : null;
        b.acr = host?.endsWith(".azurecr.io") ? host : null;
        const ingress = acaRules({ triggers: ts }) !== "queue";
        const hasHttp = ts.some((t) => t.source.type === "http");
        const external = hasHttp && options.allowUnauthenticated === true;
        if (hasHttp && !external) {
          d.warn("ZS-ACA-INGRESS-INTERNAL", fn.id, "http", ts.filter((t) => t.source.type === "http").map((t) => t.id), "is reachable only inside the Container Apps environment: the app's ingress is internal (external: false) because aca() was not given allowUnauthenticated", "pass containerApps({ allowUnauthenticated: true }) to make it public (no authentication), or put a front door (Front Door, Application Gateway, API Management) in the environment's network");
        }
        b.external = external;
        if (ingress && fn.timeoutSeconds > ACA_DEFAULTS.ingressTimeoutSeconds) {
          d.warn("ZS-ACA-TIMEOUT", fn.id, "timeout", `${fn.timeoutSeconds}s`, `is longer than the Container Apps ingress request timeout, fixed at ${ACA_DEFAULTS.ingressTimeoutSeconds}s: requests through it are cut at ${ACA_DEFAULTS.ingressTimeoutSeconds}s`, `set timeout: "${ACA_DEFAULTS.ingressTimeoutSeconds}s" or less, or move long work to a queue consumer`);
        }
        const use = useSecret(b);
        const env: AcaEnv[] = [{ name: "PORT", value: String(fn.port) }, ...queueEnv(ts, use)];
        for (const [k, value] of Object.entries(fn.env)) env.push({ name: k, value });
        for (const [k, ref] of Object.entries(fn.secrets)) env.push({ name: k, secretRef: use(ref.secret, ref.key) });
        env.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
        b.props.configuration = {
          activeRevisionsMode: "Single",
          ...(ingress ? { ingress: { external, targetPort: fn.port, transport: "auto", allowInsecure: false, traffic: [{ latestRevision: true, weight: 100 }] } } : {}),
          ...(b.acr ? { registries: [{ server: b.acr, identity: ACA_TOKENS.identity }] } : {}),
        };
        b.props.template.containers.push({
          name: "function",
          image: image ?? "invalid",
          ...(fn.command ? { command: [...fn.command] } : {}),
          ...(fn.args ? { args: [...fn.args] } : {}),
          env,
          resources: pair ?? { cpu: 0.25, memory: "0.5Gi" },
          probes: [{ type: "Readiness", httpGet: { path: fn.readinessPath, port: fn.port } }],
        });
      },

      scalingPolicy(p, { d, triggers, fns }) {
        const b = fns.get(p.target) as Building;
        const input = { fn: b.fn, policy: p, triggers: triggers.get(b.fn.id) ?? [] };
        // The meaning (min, max, the rule's target, time to zero, every approximation) is the ACA model's.
        const { effective: e, diagnostics } = acaEngine.effective(input, engineOptions);
        for (const x of diagnostics) d.add(x);
        b.effective = e;
        b.props.template.scale = {
          minReplicas: e.minInstances,
          maxReplicas: e.maxInstances,
          cooldownPeriod: e.timeToZeroSeconds ?? ACA_DEFAULTS.cooldownPeriodSeconds,
          pollingInterval: polling,
          rules: scaleRules(input, e, d, useSecret(b)),
        };
      },

      trigger(t, { d, triggers, fns }) {
        const b = fns.get(t.target) as Building;
        b.triggers.push(t.id);
        const s = t.source;
        switch (s.type) {
          case "http":
            b.urls[t.id] = `https://${s.host ?? `${b.name}.${b.external ? "" : "internal."}<environment-domain>`}${s.path}`;
            if (s.path !== "/" || s.methods.length > 0 || s.host !== null) {
              const what = [s.host ? `host ${s.host}` : "", s.path !== "/" ? `path ${s.path}` : "", s.methods.length ? `methods ${s.methods.join(", ")}` : ""].filter(Boolean).join(", ");
              d.warn("ZS-ACA-HTTP-ROUTE", t.id, "http", { path: s.path, methods: s.methods, host: s.host }, `is not matched (${what}): the app gets its own FQDN, and its ingress sends every path and method to ${b.fn.id}`, "check the path and method in the function (answer 404/405 to the others), give the host as a custom domain in Azure, or deploy with knative() to route them");
            }
            return;
          case "schedule": {
            for (const x of effectiveDelivery("aca", t).diagnostics) d.add(x); // honoured by the job's script
            const http = (triggers.get(b.fn.id) ?? []).find((x) => x.source.type === "http");
            const path = http ? (http.source as { path: string }).path : "/";
            const job = scheduleJob(d, b.fn, t, s, { app: graph.app.name, appName: b.name, path, image: options.cronImage ?? "curlimages/curl:8.11.1", location, environmentId, tags: baseTags });
            if (job) b.jobs.push(job);
            return;
          }
          case "queue":
            // Scaled by the policy's custom rule (rules.ts); the consumer pulls (queueEnv), which the
            // delivery model states (ZS-ACA-QUEUE-PULL).
            for (const x of effectiveDelivery("aca", t).diagnostics) d.add(x);
            return;
          default:
            return assertNever(s, "trigger source");
        }
      },
    };
    visitGraph(graph, handlers, ctx);
    const errors = ctx.d.list("error");
    if (errors.length > 0) throw new BackendError("aca", errors);
    const functions: AcaFunctionPlan[] = [...ctx.fns.values()].map((b) => {
      const secrets = [...b.secrets.values()].sort((x, y) => (x.name < y.name ? -1 : 1));
      const configuration = { ...b.props.configuration, ...(secrets.length ? { secrets: secrets.map((s) => ({ name: s.name, keyVaultUrl: s.keyVaultUrl, identity: ACA_TOKENS.identity })) } : {}) };
      const resource: AcaResource = {
        type: "Microsoft.App/containerApps",
        name: b.name,
        location,
        tags: { ...baseTags, "zeroscale-owner": b.fn.id, ...azureTags(b.fn.labels) },
        identity: { type: "UserAssigned", userAssignedIdentities: { [ACA_TOKENS.identity]: {} } },
        properties: { ...b.props, configuration },
      };
      return { id: b.fn.id, name: b.name, app: resource, jobs: b.jobs, secrets, identity: acaName(`${b.name}-id`, 128), acr: b.acr, effective: b.effective, triggers: b.triggers, urls: b.urls };
    });
    return {
      backend: "aca",
      app: graph.app.name,
      resourceGroup: options.resourceGroup ?? `${graph.app.name}-rg`,
      createResourceGroup: options.resourceGroup === undefined,
      location,
      environment: options.environment ?? null,
      keyVault,
      functions,
      builds: [...ctx.builds].sort((a, b) => (a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0)),
      warnings: [...graph.warnings, ...applySuppressions(ctx.d.list("warning"), graph.suppressions).kept],
    };
  };

  return { name: "aca", engine: "aca", target: "aca", capabilities: ACA_CAPABILITIES, options, compile, artifacts: acaArtifacts, view: viewAcaPlan };
}

/** The plan in zeroscale's vocabulary. */
export function viewAcaPlan(plan: ContainerAppsPlan): PlanView {
  const functions: Record<string, PlanView["functions"][string]> = {};
  for (const f of plan.functions) {
    const e = f.effective;
    functions[f.id] = {
      minInstances: e?.minInstances ?? 0,
      maxInstances: e?.maxInstances ?? 0,
      idleTimeoutSeconds: e?.timeToZeroSeconds ?? null,
      effective: e,
      triggers: [...f.triggers].sort(),
      resources: [`ContainerApp/${f.name}`, ...f.jobs.map((j) => `Job/${j.name}`)],
    };
  }
  return { functions };
}

/** The registry host of an image reference (Docker's rule), or null for Docker Hub. */
export function registryHost(image: string): string | null {
  const first = image.split("/")[0] as string;
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : null;
}

/** The image a function runs: its own, its `images` entry, or a build under `registry` (a placeholder until deploy() pushes it). */
function imageOf(d: Diagnostics, fn: FunctionNode, opts: ContainerAppsOptions, builds: ImageBuild[]): string | undefined {
  if (fn.source.type === "image") return fn.source.image;
  const what = fn.source.type === "build" ? fn.source.context : `${fn.source.path}/${fn.source.file}`;
  const mapped = opts.images?.[fn.id];
  if (mapped) {
    const last = mapped.split("/").pop() ?? mapped;
    const tag = last.includes("@") ? undefined : last.split(":")[1];
    if (!mapped.includes("@") && (tag === undefined || tag === "latest")) d.warn("ZS-POLICY-IMAGE-LATEST", fn.id, `images["${fn.id}"]`, mapped, tag ? "uses the mutable latest tag" : "has no tag (it means latest)", "pin a version tag, or a digest (zeroscale build writes digests)");
    return mapped;
  }
  if (opts.registry !== undefined) {
    const build = imageBuildOf(fn, opts.registry, opts.baseImage ?? DEFAULT_CODE_BASE_IMAGE) as ImageBuild;
    if (!isRepository(build.repository)) {
      d.error("ZS-ACA-IMAGE", fn.id, fn.source.type, what, `would be pushed as ${JSON.stringify(build.repository)}, which is not an image repository name (aca({ registry: ${JSON.stringify(opts.registry)} }))`, 'give registry as "host[:port]/path" in lowercase, e.g. "myregistry.azurecr.io/shop", with no scheme, tag or digest');
      return undefined;
    }
    if (build.source.type === "code" && !IMAGE_REF.test(build.source.baseImage)) {
      d.error("ZS-ACA-IMAGE", fn.id, "baseImage", build.source.baseImage, "is not an image reference, so the code function's generated Dockerfile cannot build FROM it (aca({ baseImage }))", 'give "[registry/]repository[:tag][@digest]" with node 20 on PATH, e.g. "node:20-bookworm-slim"');
      return undefined;
    }
    builds.push(build);
    return unbuiltImage(build);
  }
  d.error("ZS-ACA-IMAGE", fn.id, fn.source.type, what, "is built from source, and aca was given no registry to push its image to nor an image for it", `pass containerApps({ registry: "<name>.azurecr.io/<path>" }) (deploy() builds and pushes it), or on the CLI run \`zeroscale build <program> --registry <registry>\`, then \`zeroscale synth <program> --images zeroscale.images.json\`; or pass containerApps({ images: { "${fn.id}": "<repository>@sha256:<digest>" } })`);
  return undefined;
}

export type { AcaFunctionPlan, AcaResource, AcaSecret, ContainerAppsPlan } from "./plan.js";
export { ACA_TOKENS } from "./plan.js";
export { ACA_CAPABILITIES } from "./capabilities.js";
