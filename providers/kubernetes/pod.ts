import type { DiagnosticCode, FunctionNode } from "../../lib/index.js";
import type { KubeContext } from "./plan.js";

/** Where images of `build` and `code` functions live (Kubernetes cannot build them at synth time). */
export interface ImageOptions {
  /**
   * Images of `build`/`code` functions by function id, e.g. `{ "shop/worker": "registry.example.com/shop/worker:1.2.0" }`.
   * @default {}
   */
  readonly images?: Readonly<Record<string, string>>;
  /**
   * Registry prefix for `build`/`code` functions not in `images`: the image is `<registry>/<function name>:<imageTag>`.
   * @default none (such functions must be in `images`)
   */
  readonly imageRegistry?: string;
  /** Tag used with `imageRegistry`. @default "latest" */
  readonly imageTag?: string;
}

/** Each Kubernetes backend's code for a build/code function with no image: one entry per backend, or this does not compile. */
const NO_IMAGE: { readonly [B in KubeContext["backend"]]: DiagnosticCode } = {
  knative: "ZS-KNATIVE-IMAGE",
  keda: "ZS-KEDA-IMAGE",
};

/** The image a function runs on Kubernetes, or undefined (recording an unsupported use) when there is none. */
export function imageOf(ctx: KubeContext, fn: FunctionNode, opts: ImageOptions): string | undefined {
  if (fn.source.type === "image") return fn.source.image;
  const mapped = opts.images?.[fn.id];
  if (mapped) return mapped;
  if (opts.imageRegistry) return `${opts.imageRegistry.replace(/\/+$/, "")}/${fn.name}:${opts.imageTag ?? "latest"}`;
  ctx.diags.error(
    NO_IMAGE[ctx.backend],
    fn.id,
    fn.source.type,
    fn.source.type === "build" ? fn.source.context : `${fn.source.path}/${fn.source.file}`,
    `is built from source, which ${ctx.backend} cannot do at synth time`,
    `build and push the image, then pass ${ctx.backend}({ images: { "${fn.id}": "<registry>/<repo>:<tag>" } }) or ${ctx.backend}({ imageRegistry: "<registry>" }) (CLI: --image-registry)`,
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
