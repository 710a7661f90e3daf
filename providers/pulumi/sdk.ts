// The Pulumi SDKs: @pulumi/pulumi when zeroscale/pulumi is imported, and the provider SDK a realiser
// needs only when that realiser runs. They are optional peer dependencies of zeroscale (a user who
// only deploys to a Docker host needs no @pulumi/kubernetes, and one who only synthesizes YAML needs
// none), so a missing one fails with the package to install, not with a module-resolution stack.
// They are CommonJS packages, so a synchronous require() from this package's location returns the
// user's one copy (the same one their program imports, as peers resolve). The cloud SDKs are loaded by
// submodule file (they have no `exports` map; the whole package costs 60-150 ms to load, a submodule
// a few ms), so a Cloud Run deploy never loads AWS or Azure code, and Knative loads no cloud SDK.
import { createRequire } from "node:module";

/** The SDK modules a realiser may load, by module specifier (cloud SDKs by submodule file). */
export interface PulumiSdks {
  readonly "@pulumi/pulumi": typeof import("@pulumi/pulumi");
  readonly "@pulumi/kubernetes": typeof import("@pulumi/kubernetes");
  readonly "@pulumi/docker": typeof import("@pulumi/docker");
  readonly "@pulumi/gcp/cloudrunv2/index.js": typeof import("@pulumi/gcp/cloudrunv2/index.js");
  readonly "@pulumi/gcp/cloudscheduler/index.js": typeof import("@pulumi/gcp/cloudscheduler/index.js");
  readonly "@pulumi/gcp/serviceaccount/index.js": typeof import("@pulumi/gcp/serviceaccount/index.js");
  readonly "@pulumi/gcp/secretmanager/index.js": typeof import("@pulumi/gcp/secretmanager/index.js");
  readonly "@pulumi/gcp/artifactregistry/index.js": typeof import("@pulumi/gcp/artifactregistry/index.js");
  readonly "@pulumi/gcp/pubsub/index.js": typeof import("@pulumi/gcp/pubsub/index.js");
  readonly "@pulumi/gcp/projects/index.js": typeof import("@pulumi/gcp/projects/index.js");
  readonly "@pulumi/aws/lambda/index.js": typeof import("@pulumi/aws/lambda/index.js");
  readonly "@pulumi/aws/iam/index.js": typeof import("@pulumi/aws/iam/index.js");
  readonly "@pulumi/aws/scheduler/index.js": typeof import("@pulumi/aws/scheduler/index.js");
  readonly "@pulumi/aws/ecr/index.js": typeof import("@pulumi/aws/ecr/index.js");
  readonly "@pulumi/aws/apigatewayv2/index.js": typeof import("@pulumi/aws/apigatewayv2/index.js");
  readonly "@pulumi/aws/appautoscaling/index.js": typeof import("@pulumi/aws/appautoscaling/index.js");
  readonly "@pulumi/aws/secretsmanager/index.js": typeof import("@pulumi/aws/secretsmanager/index.js");
  readonly "@pulumi/aws/mq/index.js": typeof import("@pulumi/aws/mq/index.js");
  readonly "@pulumi/aws/msk/index.js": typeof import("@pulumi/aws/msk/index.js");
  readonly "@pulumi/azure-native/app/index.js": typeof import("@pulumi/azure-native/app/index.js");
  readonly "@pulumi/azure-native/containerregistry/index.js": typeof import("@pulumi/azure-native/containerregistry/index.js");
  readonly "@pulumi/azure-native/managedidentity/index.js": typeof import("@pulumi/azure-native/managedidentity/index.js");
  readonly "@pulumi/azure-native/authorization/index.js": typeof import("@pulumi/azure-native/authorization/index.js");
  readonly "@pulumi/azure-native/keyvault/index.js": typeof import("@pulumi/azure-native/keyvault/index.js");
  readonly "@pulumi/azure-native/resources/index.js": typeof import("@pulumi/azure-native/resources/index.js");
  readonly "@pulumi/azure-native/operationalinsights/index.js": typeof import("@pulumi/azure-native/operationalinsights/index.js");
}

/** The package a module specifier belongs to ("@pulumi/gcp/cloudrunv2/index.js" -> "@pulumi/gcp"). */
export type SdkPackage = "@pulumi/pulumi" | "@pulumi/kubernetes" | "@pulumi/docker" | "@pulumi/gcp" | "@pulumi/aws" | "@pulumi/azure-native";

/** The versions zeroscale is tested with (package.json's peerDependencies say the same). */
const TESTED: { readonly [K in SdkPackage]: string } = {
  "@pulumi/pulumi": "^3.248.0",
  "@pulumi/kubernetes": "^4.34.2",
  "@pulumi/docker": "^5.2.0",
  "@pulumi/gcp": "^9.37.0",
  "@pulumi/aws": "^7.48.0",
  "@pulumi/azure-native": "^3.28.0",
};

/** The package of a module specifier. */
export function sdkPackage(specifier: keyof PulumiSdks): SdkPackage {
  return specifier.split("/").slice(0, 2).join("/") as SdkPackage;
}

/** Thrown when a realiser's SDK is not installed. */
export class MissingSdkError extends Error {
  readonly pkg: SdkPackage;
  constructor(
    specifier: keyof PulumiSdks,
    readonly neededBy: string,
  ) {
    const pkg = sdkPackage(specifier);
    super(`${neededBy} needs ${pkg}, which is not installed: npm install ${pkg}@${TESTED[pkg]} (an optional peer dependency of zeroscale)`);
    this.pkg = pkg;
    this.name = "MissingSdkError";
  }
}

/**
 * Load `specifier` for `neededBy` (e.g. "deploy() with the knative backend"), or throw a
 * {@link MissingSdkError}. `resolveFrom` is where to resolve it from (tests point it elsewhere).
 */
export function loadSdk<K extends keyof PulumiSdks>(specifier: K, neededBy: string, resolveFrom: string = import.meta.url): PulumiSdks[K] {
  const require = createRequire(resolveFrom);
  try {
    return require(specifier) as PulumiSdks[K];
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Only the package itself missing is "not installed"; a broken install keeps its own error.
    if (err.code === "MODULE_NOT_FOUND" && (err.message.includes(`'${specifier}'`) || err.message.includes(`'${sdkPackage(specifier)}`))) throw new MissingSdkError(specifier, neededBy);
    throw e;
  }
}
