// The Pulumi SDKs: @pulumi/pulumi when zeroscale/pulumi is imported, and the provider SDK a realiser
// needs only when that realiser runs. They are optional
// peer dependencies of zeroscale (a user who only deploys to a Docker host needs no
// @pulumi/kubernetes, and one who only synthesizes YAML needs none), so a missing one fails with the
// package to install, not with a module-resolution stack. They are CommonJS packages, so a
// synchronous require() from this package's location returns the user's one copy (the same one their
// program imports, as peers resolve).
import { createRequire } from "node:module";

/** The SDKs a realiser may load, by package name. */
export interface PulumiSdks {
  readonly "@pulumi/pulumi": typeof import("@pulumi/pulumi");
  readonly "@pulumi/kubernetes": typeof import("@pulumi/kubernetes");
  readonly "@pulumi/docker": typeof import("@pulumi/docker");
}

/** The versions zeroscale is tested with (package.json's peerDependencies say the same). */
const TESTED: { readonly [K in keyof PulumiSdks]: string } = {
  "@pulumi/pulumi": "^3.248.0",
  "@pulumi/kubernetes": "^4.34.2",
  "@pulumi/docker": "^5.2.0",
};

/** Thrown when a realiser's SDK is not installed. */
export class MissingSdkError extends Error {
  constructor(
    readonly pkg: keyof PulumiSdks,
    readonly neededBy: string,
  ) {
    super(`${neededBy} needs ${pkg}, which is not installed: npm install ${pkg}@${TESTED[pkg]} (an optional peer dependency of zeroscale)`);
    this.name = "MissingSdkError";
  }
}

/**
 * Load `pkg` for `neededBy` (e.g. "deploy() with the knative backend"), or throw a
 * {@link MissingSdkError}. `resolveFrom` is where to resolve it from (tests point it elsewhere).
 */
export function loadSdk<K extends keyof PulumiSdks>(pkg: K, neededBy: string, resolveFrom: string = import.meta.url): PulumiSdks[K] {
  const require = createRequire(resolveFrom);
  try {
    return require(pkg) as PulumiSdks[K];
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Only the package itself missing is "not installed"; a broken install keeps its own error.
    if (err.code === "MODULE_NOT_FOUND" && err.message.includes(`'${pkg}'`)) throw new MissingSdkError(pkg, neededBy);
    throw e;
  }
}
