import type { DiagnosticCode, FunctionNode } from "../../lib/index.js";
import { IMAGE_REF } from "../../lib/validation/patterns.js";
import { isRepository } from "../images/image-map.js";
import { DEFAULT_CODE_BASE_IMAGE, type ImageBuild, imageBuildOf } from "../images/spec.js";
import type { KubeContext } from "./plan.js";

/** Where the images of `build` and `code` functions come from (Kubernetes cannot build them at synth time). */
export interface ImageOptions {
  /**
   * Prebuilt images of `build`/`code` functions by function id, e.g.
   * `{ "shop/worker": "registry.example.com/shop/worker@sha256:..." }` (what `zeroscale synth --images`
   * passes from the image map). An entry wins over `registry`.
   * @default {}
   */
  readonly images?: Readonly<Record<string, string>>;
  /**
   * Registry ("host[:port]/path") that `build`/`code` functions not in `images` are built and pushed
   * to, each as `<registry>/<app>-<function>` (`repositoryOf`). The plan lists them in `builds`;
   * `deploy()` builds and pushes them with @pulumi/docker and deploys the pushed digest, and on the CLI
   * `zeroscale build <program> --registry <registry>` does, writing the image map for `synth --images`.
   * @default none (such functions must be in `images`)
   */
  readonly registry?: string;
  /**
   * The image a code function's generated Dockerfile builds FROM (needs `node` 20+ on PATH); the image
   * runs the zeroscale runner and the handler as a non-root user.
   * @default DEFAULT_CODE_BASE_IMAGE ("node:20-bookworm-slim")
   */
  readonly baseImage?: string;
}

/** The tag of the placeholder a planned build's containers name until its image is pushed. */
export const UNBUILT_TAG = "zeroscale-unbuilt";

/**
 * The placeholder image of a build in a plan's manifests, `<repository>:zeroscale-unbuilt`: it names
 * the build, and no zeroscale command ever pushes that tag, so it is never mistaken for a pushed image.
 * deploy() replaces it with the pushed digest; `zeroscale synth` refuses to write it (ZS-IMAGE-UNBUILT).
 */
export function unbuiltImage(build: Pick<ImageBuild, "repository">): string {
  return `${build.repository}:${UNBUILT_TAG}`;
}

/** Each Kubernetes backend's code for a build/code function with no image: one entry per backend, or this does not compile. */
const NO_IMAGE: { readonly [B in KubeContext["backend"]]: DiagnosticCode } = {
  knative: "ZS-KNATIVE-IMAGE",
  keda: "ZS-KEDA-IMAGE",
};

/**
 * The image a function runs on Kubernetes: its own (`image`), its `images` entry, or, with a
 * `registry`, the placeholder of a build recorded in the plan's `builds`. Undefined (recording an
 * unsupported use) when there is none.
 */
export function imageOf(ctx: KubeContext, fn: FunctionNode, opts: ImageOptions): string | undefined {
  if (fn.source.type === "image") return fn.source.image;
  const what = fn.source.type === "build" ? fn.source.context : `${fn.source.path}/${fn.source.file}`;
  const mapped = opts.images?.[fn.id];
  if (mapped) {
    const last = mapped.split("/").pop() ?? mapped;
    const tag = last.includes("@") ? undefined : last.split(":")[1];
    if (!mapped.includes("@") && (tag === undefined || tag === "latest")) {
      ctx.diags.warn("ZS-POLICY-IMAGE-LATEST", fn.id, `images["${fn.id}"]`, mapped, tag ? "uses the mutable latest tag" : "has no tag (it means latest)", "pin a version tag, or a digest (zeroscale build writes digests)");
    }
    return mapped;
  }
  if (opts.registry !== undefined) {
    const build = imageBuildOf(fn, opts.registry, opts.baseImage ?? DEFAULT_CODE_BASE_IMAGE) as ImageBuild;
    if (!isRepository(build.repository)) {
      ctx.diags.error(
        NO_IMAGE[ctx.backend],
        fn.id,
        fn.source.type,
        what,
        `would be pushed as ${JSON.stringify(build.repository)}, which is not an image repository name (${ctx.backend}({ registry: ${JSON.stringify(opts.registry)} }))`,
        'give registry as "host[:port]/path" in lowercase, e.g. "registry.example.com/shop", with no scheme, tag or digest',
      );
      return undefined;
    }
    if (build.source.type === "code" && !IMAGE_REF.test(build.source.baseImage)) {
      ctx.diags.error(
        NO_IMAGE[ctx.backend],
        fn.id,
        "baseImage",
        build.source.baseImage,
        `is not an image reference, so the code function's generated Dockerfile cannot build FROM it (${ctx.backend}({ baseImage }))`,
        'give "[registry/]repository[:tag][@digest]" with node 20 on PATH, e.g. "node:20-bookworm-slim"',
      );
      return undefined;
    }
    ctx.builds.push(build);
    return unbuiltImage(build);
  }
  ctx.diags.error(
    NO_IMAGE[ctx.backend],
    fn.id,
    fn.source.type,
    what,
    `is built from source, and ${ctx.backend} was given no registry to push its image to nor an image for it`,
    `pass ${ctx.backend}({ registry: "<host[:port]/path>" }) (deploy() builds and pushes it), or on the CLI run \`zeroscale build <program> --registry <registry>\`, then \`zeroscale synth <program> --images zeroscale.images.json\`; or pass ${ctx.backend}({ images: { "${fn.id}": "<repository>@sha256:<digest>" } })`,
  );
  return undefined;
}

/** Env vars: plain values and secret references (never values), sorted by name. */
export function containerEnv(fn: FunctionNode, extra: readonly { name: string; value?: string; valueFrom?: unknown }[] = []): unknown[] {
  const env: { name: string; value?: string; valueFrom?: unknown }[] = [...extra];
  for (const [name, value] of Object.entries(fn.env)) env.push({ name, value });
  for (const [name, ref] of Object.entries(fn.secrets)) env.push({ name, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } });
  return env.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The "restricted" Pod Security Standards container securityContext, as relaxed by the function's `security` prop. */
export function securityContext(fn: FunctionNode): Record<string, unknown> {
  const s = fn.security;
  return {
    allowPrivilegeEscalation: s.allowPrivilegeEscalation,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: s.readOnlyRootFilesystem,
    runAsNonRoot: s.runAsNonRoot,
    ...(s.runAsUser === null ? {} : { runAsUser: s.runAsUser }),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Annotation recording security relaxations, so they show in the output. */
export function securityAnnotations(fn: FunctionNode): Record<string, string> {
  return fn.security.relaxed.length ? { "zeroscale.dev/security-relaxed": fn.security.relaxed.join(",") } : {};
}

/** Requests and limits, always both. */
export function resources(fn: FunctionNode): Record<string, unknown> {
  return { limits: { cpu: fn.cpu, memory: fn.memory }, requests: { cpu: fn.cpu, memory: fn.memory } };
}

/**
 * The function's container, the same on every Kubernetes backend: what differs (port naming, extra
 * env, the probe's port) is passed in; field order is fixed so the YAML is stable.
 */
export function functionContainer(fn: FunctionNode, image: string | undefined, engine: { ports: unknown[]; env: unknown[]; readinessProbe: unknown }): Record<string, unknown> {
  return {
    name: "function",
    image: image ?? "invalid",
    ...(fn.command ? { command: fn.command } : {}),
    ...(fn.args ? { args: fn.args } : {}),
    ports: engine.ports,
    env: engine.env,
    resources: resources(fn),
    readinessProbe: engine.readinessProbe,
    securityContext: securityContext(fn),
    volumeMounts: [TMP_MOUNT],
  };
}

/** The writable /tmp every function gets (the root filesystem is read-only). */
export const TMP_VOLUME = { name: "tmp", emptyDir: {} } as const;
export const TMP_MOUNT = { name: "tmp", mountPath: "/tmp" } as const;
