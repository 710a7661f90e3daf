import type { Diagnostics, FunctionNode } from "../../lib/index.js";
import { IMAGE_REF } from "../../lib/validation/patterns.js";
import { isRepository } from "../images/image-map.js";
import { DEFAULT_CODE_BASE_IMAGE, type ImageBuild, imageBuildOf } from "../images/spec.js";
import { unbuiltImage } from "../kubernetes/pod.js";
import type { CloudRunOptions } from "./index.js";
import { pullableByCloudRun } from "./limits.js";

/**
 * The image a function runs on Cloud Run: its own, its `images` entry, or with a `registry` the
 * placeholder of a build pushed there by deploy() (`builds`; deployed by digest). Undefined (an error
 * recorded) when there is none. Warns when Cloud Run cannot pull from the image's registry.
 */
export function cloudRunImage(fn: FunctionNode, opts: CloudRunOptions, d: Diagnostics, builds: ImageBuild[]): string | undefined {
  const hostWarning = (prop: string, ref: string) => {
    if (!pullableByCloudRun(ref)) d.warn("ZS-CLOUDRUN-IMAGE-HOST", fn.id, prop, ref, "is not in Artifact Registry, Container Registry or Docker Hub, and Cloud Run pulls only from those", "push it to Artifact Registry (<region>-docker.pkg.dev/<project>/<repository>), or proxy its registry with an Artifact Registry remote repository");
  };
  if (fn.source.type === "image") {
    hostWarning("image", fn.source.image);
    return fn.source.image;
  }
  const what = fn.source.type === "build" ? fn.source.context : `${fn.source.path}/${fn.source.file}`;
  const mapped = opts.images?.[fn.id];
  if (mapped) {
    const last = mapped.split("/").pop() ?? mapped;
    const tag = last.includes("@") ? undefined : last.split(":")[1];
    if (!mapped.includes("@") && (tag === undefined || tag === "latest")) {
      d.warn("ZS-POLICY-IMAGE-LATEST", fn.id, `images["${fn.id}"]`, mapped, tag ? "uses the mutable latest tag" : "has no tag (it means latest)", "pin a version tag, or a digest (zeroscale build writes digests)");
    }
    hostWarning(`images["${fn.id}"]`, mapped);
    return mapped;
  }
  if (opts.registry !== undefined) {
    const build = imageBuildOf(fn, opts.registry, opts.baseImage ?? DEFAULT_CODE_BASE_IMAGE) as ImageBuild;
    if (!isRepository(build.repository)) {
      d.error("ZS-CLOUDRUN-IMAGE", fn.id, fn.source.type, what, `would be pushed as ${JSON.stringify(build.repository)}, which is not an image repository name (cloudRun({ registry: ${JSON.stringify(opts.registry)} }))`, 'give registry as "<region>-docker.pkg.dev/<project>/<repository>" (Artifact Registry), with no scheme, tag or digest');
      return undefined;
    }
    if (build.source.type === "code" && !IMAGE_REF.test(build.source.baseImage)) {
      d.error("ZS-CLOUDRUN-IMAGE", fn.id, "baseImage", build.source.baseImage, "is not an image reference, so the code function's generated Dockerfile cannot build FROM it (cloudRun({ baseImage }))", 'give "[registry/]repository[:tag][@digest]" with node 20 on PATH, e.g. "node:20-bookworm-slim"');
      return undefined;
    }
    hostWarning("registry", build.repository);
    builds.push(build);
    return unbuiltImage(build);
  }
  d.error(
    "ZS-CLOUDRUN-IMAGE",
    fn.id,
    fn.source.type,
    what,
    "is built from source, and cloudrun was given no registry to push its image to nor an image for it",
    'pass cloudRun({ registry: "<region>-docker.pkg.dev/<project>/<repository>" }) (deploy() builds and pushes it), or on the CLI run `zeroscale build <program> --registry <registry>`, then `zeroscale synth <program> --images zeroscale.images.json`; or pass cloudRun({ images: { "' + fn.id + '": "<repository>@sha256:<digest>" } })',
  );
  return undefined;
}
