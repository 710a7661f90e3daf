import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type * as docker from "@pulumi/docker";
import type * as P from "@pulumi/pulumi";
import { packageRoot } from "../../runtime/drivers/paths.js";
import type { DockerPlan } from "../docker/plan.js";
import { ZeroscaleComponent } from "./component.js";
import { loadSdk } from "./sdk.js";

/** @pulumi/pulumi, the user's own copy (an optional peer; a clear error names it when missing). */
const pulumi = loadSdk("@pulumi/pulumi", "zeroscale/pulumi");

/** Options of the Docker realiser. */
export interface DockerDeployOptions {
  /** Secret values by store and key (Pulumi secrets); every referenced one must be given. @default {} */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, P.Input<string>>>>>;
  /** Folder that `build.context` / `code.path` are relative to (the program's folder). @default process.cwd() */
  readonly baseDir?: string;
  /**
   * Image with node 20 the gateway image builds FROM; with haproxy at /usr/sbin/haproxy for the
   * HAProxy data plane (docker({ dataPlane: "haproxy" }), the default), else Debian's is installed
   * with apt-get during the build (scripts/make-node-image.sh --with-haproxy makes such a base
   * locally). @default "node:20-bookworm-slim"
   */
  readonly baseImage?: string;
  readonly provider?: P.ProviderResource;
  readonly parent?: P.Resource;
}

/** What the Docker realiser registered. */
export interface DockerDeployed {
  readonly app: ZeroscaleComponent;
  readonly functions: Readonly<Record<string, ZeroscaleComponent>>;
  readonly network: docker.Network | undefined;
  readonly gatewayImage: docker.Image;
  /** The data plane: faces traffic, user 65532, read-only, no Docker socket. */
  readonly gateway: docker.Container;
  /** The only container with the Docker socket: start / stop / state of the app's function containers. */
  readonly controller: docker.Container;
  /** Holds the controller's Unix socket and token; mounted by the controller and (read-only) the gateway. */
  readonly controlVolume: docker.Volume;
  readonly images: Readonly<Record<string, docker.Image | docker.RemoteImage>>;
  readonly containers: Readonly<Record<string, docker.Container>>;
  readonly gatewayUrl: P.Output<string>;
  readonly urls: Readonly<Record<string, P.Output<string>>>;
  readonly plan: DockerPlan;
}

const labels = (l: Readonly<Record<string, string>>) => Object.entries(l).map(([label, value]) => ({ label, value }));

/**
 * Register a Docker plan: the app network, the gateway image (built from this package), the
 * controller container (the only one with the Docker socket), the gateway container (user 65532,
 * read-only, no socket; config uploaded as a file; reaches the controller over a Unix socket in a
 * shared volume), one image per function, and each function's containers, created but not started,
 * which the gateway has the controller start with demand.
 */
export function realiseDockerPlan(plan: DockerPlan, options: DockerDeployOptions = {}): DockerDeployed {
  const docker = loadSdk("@pulumi/docker", "deploy() with the docker backend");
  const app = new ZeroscaleComponent("zeroscale:index:App", plan.app, options.parent ? { parent: options.parent } : {});
  const base: P.CustomResourceOptions = options.provider ? { provider: options.provider } : {};
  const baseDir = options.baseDir ?? process.cwd();
  const bridge = plan.network.mode === "bridge";
  const network = bridge
    ? new docker.Network(`${plan.app}-network`, { name: plan.network.name, driver: "bridge", labels: labels({ "zeroscale.dev/app": plan.app }) }, { ...base, parent: app })
    : undefined;
  const net = (): Pick<docker.ContainerArgs, "networkMode" | "networksAdvanced"> =>
    network ? { networksAdvanced: [{ name: network.name }] } : { networkMode: "host" };

  const root = packageRoot();
  const gatewayImage = new docker.Image(
    `${plan.app}-gateway-image`,
    {
      imageName: plan.gateway.image,
      build: { context: root, dockerfile: join(root, "docker/gateway.Dockerfile"), args: { BASE_IMAGE: options.baseImage ?? "node:20-bookworm-slim" } },
      skipPush: true,
    },
    { ...base, parent: app },
  );

  const functions: Record<string, ZeroscaleComponent> = {};
  const images: Record<string, docker.Image | docker.RemoteImage> = {};
  const containers: Record<string, docker.Container> = {};
  for (const f of plan.functions) {
    const component = new ZeroscaleComponent("zeroscale:index:ServerlessFunction", f.id.split("/").join("-"), { parent: app });
    functions[f.id] = component;
    const spec = plan.images.find((i) => i.fn === f.id);
    if (!spec) continue;
    let image: docker.Image | docker.RemoteImage;
    if (spec.kind === "remote") {
      image = new docker.RemoteImage(`${spec.name}`, { name: spec.name, keepLocally: true }, { ...base, parent: component });
    } else {
      let dockerfile = spec.dockerfile ? resolve(baseDir, spec.context, spec.dockerfile) : "";
      if (spec.dockerfileContent) {
        const dir = join(tmpdir(), "zeroscale-dockerfiles");
        mkdirSync(dir, { recursive: true });
        dockerfile = join(dir, `${spec.name.replace(/[^a-z0-9]+/g, "-")}.Dockerfile`);
        writeFileSync(dockerfile, spec.dockerfileContent);
      }
      image = new docker.Image(
        `${spec.name.split("/")[1]?.split(":")[0]}-image`,
        { imageName: spec.name, build: { context: resolve(baseDir, spec.context), dockerfile, args: { ...spec.args } }, skipPush: true },
        { ...base, parent: component, dependsOn: spec.dockerfileContent ? [gatewayImage] : [] },
      );
    }
    images[f.id] = image;
    const imageRef = image instanceof docker.RemoteImage ? image.imageId : image.imageName;
    for (const c of plan.containers.filter((x) => x.fn === f.id)) {
      const envs: P.Input<string>[] = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
      for (const s of c.secretEnv) {
        const value = options.secrets?.[s.secret]?.[s.key];
        if (value === undefined) throw new Error(`${f.id}: env ${s.name} reads secret ${s.secret}/${s.key}; pass it in deploy(app, docker(), { secrets: { "${s.secret}": { "${s.key}": config.requireSecret("...") } } })`);
        envs.push(pulumi.secret(pulumi.interpolate`${s.name}=${value}`));
      }
      containers[c.name] = new docker.Container(
        c.name,
        {
          name: c.name,
          image: imageRef,
          start: false,
          mustRun: false,
          envs,
          labels: labels(c.labels),
          ...net(),
          memory: c.memoryMb,
          // No pidsLimit in @pulumi/docker: the zeroscale.dev/pids-limit label carries it, and the
          // controller applies it (docker update) before every start.
          cpus: String(c.cpus),
          readOnly: c.readOnly,
          ...(c.user ? { user: c.user } : {}),
          tmpfs: { "/tmp": "rw,size=64m" },
          capabilities: { drops: ["ALL"] },
          securityOpts: c.noNewPrivileges ? ["no-new-privileges"] : [],
          init: true,
          ...(c.command ? { command: [...c.command] } : {}),
          ...(c.entrypoint ? { entrypoints: [...c.entrypoint] } : {}),
        },
        { ...base, parent: component, dependsOn: [image, ...(network ? [network] : [])], additionalSecretOutputs: ["envs"] },
      );
    }
    component.complete({});
  }

  const g = plan.gateway;
  const k = plan.controller;
  const appLabels = (component: string) => labels({ "zeroscale.dev/app": plan.app, "zeroscale.dev/component": component });
  const controlVolume = new docker.Volume(`${plan.app}-control`, { name: k.volume, labels: appLabels("control") }, { ...base, parent: app });
  const hardened = { readOnly: true, capabilities: { drops: ["ALL"] }, securityOpts: ["no-new-privileges"], init: true, restart: "unless-stopped", mustRun: true };
  // It alone holds the socket (root can use a root-owned socket without capabilities); it has no
  // network in bridge mode and serves only the allow-list in runtime/controller/protocol.ts.
  const controller = new docker.Container(
    k.name,
    {
      name: k.name,
      image: gatewayImage.imageName,
      entrypoints: ["node", "/zeroscale/controller.cjs"],
      command: [...k.command],
      networkMode: k.networkMode,
      volumes: [
        { hostPath: k.socketPath, containerPath: "/var/run/docker.sock" },
        { volumeName: controlVolume.name, containerPath: k.mountPath },
      ],
      labels: appLabels("controller"),
      ...hardened,
    },
    { ...base, parent: app, dependsOn: Object.values(containers) },
  );
  const gateway = new docker.Container(
    g.name,
    {
      name: g.name,
      image: gatewayImage.imageName,
      user: g.user,
      ...net(),
      ...(bridge ? { ports: [{ internal: g.config.port, external: g.port, ip: g.publishAddress, protocol: "tcp" }] } : {}),
      volumes: [{ volumeName: controlVolume.name, containerPath: k.mountPath, readOnly: true }],
      uploads: [{ file: "/etc/zeroscale/gateway.json", content: JSON.stringify({ graph: plan.graph, ...g.config }) }],
      // The one writable place on its read-only root (mode 1777): the HAProxy data plane's config, its
      // runtime API and master sockets live in a temp dir here, written by user 65532.
      tmpfs: { "/tmp": "rw,size=16m,mode=1777" },
      labels: appLabels("gateway"),
      ...hardened,
      readOnly: g.readOnly,
    },
    { ...base, parent: app, dependsOn: [controller, ...Object.values(containers)] },
  );
  const gatewayUrl = pulumi.output(`http://localhost:${g.port}`);
  const urls: Record<string, P.Output<string>> = {};
  for (const [trigger, url] of Object.entries(plan.urls)) urls[trigger] = pulumi.output(url);
  app.complete({ gatewayUrl, urls });
  return { app, functions, network, gatewayImage, gateway, controller, controlVolume, images, containers, gatewayUrl, urls, plan };
}
