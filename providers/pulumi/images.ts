// The one place a realiser builds and pushes an image with @pulumi/docker: every backend that deploys
// code/build functions to a registry (Knative, KEDA, Cloud Run, Container Apps, Lambda) stages the
// build (providers/images/stage.ts) and calls pushImage, so the tag, the push and the credentials
// mean the same everywhere, and the workloads run the returned Image's repoDigest.
import type * as docker from "@pulumi/docker";
import type * as P from "@pulumi/pulumi";
import { inputsTag } from "../images/engine-build.js";
import type { StagedBuild } from "../images/stage.js";
import { loadSdk } from "./sdk.js";

const pulumi = loadSdk("@pulumi/pulumi", "zeroscale/pulumi");

/** Registry credentials (the password is made a Pulumi secret). */
export interface PushAuth {
  readonly username: P.Input<string>;
  readonly password: P.Input<string>;
}

/** How one image is pushed. */
export interface PushOptions {
  /** The platform to build for (Cloud Run, Container Apps and Lambda run linux/amd64 only). @default the engine's */
  readonly platform?: string;
  /** Credentials for the registry. @default Docker's own (`docker login`, credential helpers) */
  readonly auth?: PushAuth | undefined;
  /** Resources the push waits for (e.g. the repository it pushes to). @default [] */
  readonly dependsOn?: readonly P.Resource[];
}

/** The registry host of a repository, by Docker's rule: its first component when that has a "." or ":" or is "localhost", else Docker Hub. */
export function registryServer(repository: string): string {
  const first = repository.split("/")[0] as string;
  return repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

/**
 * Build `staged` and push it to `repository` as `${name}-image`, under `parent`. The tag is a hash
 * of the build's inputs (context files, Dockerfile, args), the same one `zeroscale build` pushes
 * (engine-build.ts): the workloads run the pushed digest whatever the tag, but a tag per input keeps
 * every deployed digest tagged (a registry's clean-up of untagged manifests never removes what an
 * older revision runs), and unchanged inputs keep the same name. @pulumi/docker is an optional peer,
 * loaded on the first push.
 */
export function pushImage(name: string, repository: string, staged: StagedBuild, parent: P.Resource, options: PushOptions = {}): docker.Image {
  const dockerSdk = loadSdk("@pulumi/docker", "deploy() of code/build functions with a registry");
  const { auth, platform, dependsOn = [] } = options;
  return new dockerSdk.Image(
    `${name}-image`,
    {
      imageName: `${repository}:${inputsTag(staged)}`,
      build: { context: staged.context, dockerfile: staged.dockerfile, args: { ...staged.args }, ...(platform ? { platform } : {}) },
      registry: { server: registryServer(repository), ...(auth ? { username: auth.username, password: pulumi.secret(auth.password) } : {}) },
      skipPush: false,
    },
    { parent, ...(dependsOn.length > 0 ? { dependsOn: [...dependsOn] } : {}) },
  );
}
