import type { EffectiveScaling } from "../../lib/engines/index.js";
import type { Plan } from "../../lib/index.js";
import type { ImageBuild } from "../images/spec.js";

/**
 * Tokens the plan's properties hold where a value only exists once Azure has created something; the
 * realiser substitutes the created resources' ids (`withTokens` in providers/pulumi/aca.ts), the synth
 * YAML writes them as ARM resource ids with a `{subscriptionId}` placeholder.
 */
export const ACA_TOKENS = {
  /** The function's user-assigned managed identity (resource id). */
  identity: "{zeroscale:identity}",
  /** The managed environment's resource id, when aca() was given none (the realiser creates one). */
  environment: "{zeroscale:environment}",
} as const;

/** One Azure resource as plain data, ARM-shaped (what `az containerapp create --yaml` takes). */
export interface AcaResource {
  readonly type: "Microsoft.App/containerApps" | "Microsoft.App/jobs";
  readonly name: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly identity: { readonly type: "UserAssigned"; readonly userAssignedIdentities: Readonly<Record<string, Record<string, never>>> };
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A Container App secret a function references: a Key Vault reference by name, or a value deploy() is given as a Pulumi secret. */
export interface AcaSecret {
  /** configuration.secrets[].name (and env secretRef). */
  readonly name: string;
  /** The zeroscale secret store and key it stands for. */
  readonly store: string;
  readonly key: string;
  /** The Key Vault secret it references when deploy() gets no value for it. */
  readonly keyVaultUrl: string;
}

/** What one function became: a Container App, plus one Container Apps job per schedule trigger. */
export interface AcaFunctionPlan {
  readonly id: string;
  /** The Container App's name (<= 32 characters). */
  readonly name: string;
  readonly app: AcaResource;
  readonly jobs: readonly (AcaResource & { readonly trigger: string })[];
  readonly secrets: readonly AcaSecret[];
  /** The user-assigned identity's name. */
  readonly identity: string;
  /** The identity pulls from this ACR (AcrPull on it), when the function's image is in one. */
  readonly acr: string | null;
  readonly effective: EffectiveScaling | null;
  readonly triggers: readonly string[];
  /** Trigger id -> URL (http triggers; the FQDN is Azure's, so relative to it). */
  readonly urls: Readonly<Record<string, string>>;
}

/** The compiled plan of the aca backend (plain data). */
export interface ContainerAppsPlan extends Plan {
  readonly backend: "aca";
  readonly app: string;
  readonly resourceGroup: string;
  /** Whether deploy() creates the resource group (aca() was given none: "<app>-rg"). */
  readonly createResourceGroup: boolean;
  readonly location: string;
  /** The managed environment's resource id; null: the realiser creates `<app>-env` (Consumption). */
  readonly environment: string | null;
  readonly keyVault: string;
  readonly functions: readonly AcaFunctionPlan[];
  /** Images to build and push before the apps can run (see KubePlan.builds); their placeholder is `<repository>:zeroscale-unbuilt`. */
  readonly builds: readonly ImageBuild[];
}
