// Synth artifacts of aca(): one YAML file per Azure resource, in the shape `az containerapp create
// --yaml` (and `az containerapp job create --yaml`) takes, plus plan.json.
import { stringify } from "yaml";
import type { ArtifactFile } from "../../lib/index.js";
import { ACA_TOKENS, type AcaResource, type ContainerAppsPlan } from "./plan.js";

/** `value` with every token (a key of `tokens`) replaced, in strings and object keys alike. */
export function substituteTokens(value: unknown, tokens: Readonly<Record<string, string>>): unknown {
  if (typeof value === "string") return Object.entries(tokens).reduce((s, [t, v]) => s.split(t).join(v), value);
  if (Array.isArray(value)) return value.map((v) => substituteTokens(v, tokens));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [substituteTokens(k, tokens) as string, substituteTokens(v, tokens)]));
  return value;
}

/** The ARM resource ids the plan's tokens stand for, with `{subscriptionId}` left for the reader (az fills nothing in). */
export function armTokens(plan: ContainerAppsPlan, identity: string): Record<string, string> {
  const rg = `/subscriptions/{subscriptionId}/resourceGroups/${plan.resourceGroup}/providers`;
  return {
    [ACA_TOKENS.identity]: `${rg}/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}`,
    [ACA_TOKENS.environment]: `${rg}/Microsoft.App/managedEnvironments/${plan.app}-env`,
  };
}

/** A resource as the ARM/az YAML document (token-free). */
export function armDocument(plan: ContainerAppsPlan, identity: string, r: AcaResource): Record<string, unknown> {
  return substituteTokens(r, armTokens(plan, identity)) as Record<string, unknown>;
}

/**
 * `aca/<app>.containerapp.yml` per function and `aca/<job>.job.yml` per schedule (the `.yml` files
 * are Azure resources, not Kubernetes manifests), then plan.json (functions, identities, secrets by
 * reference, effective scaling, builds, warnings; never a secret value).
 */
export function acaArtifacts(plan: ContainerAppsPlan): ArtifactFile[] {
  const files: ArtifactFile[] = [];
  for (const f of [...plan.functions].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    files.push({ path: `aca/${f.name}.containerapp.yml`, content: stringify(armDocument(plan, f.identity, f.app)) });
    for (const j of f.jobs) {
      const { trigger: _t, ...job } = j;
      files.push({ path: `aca/${j.name}.job.yml`, content: stringify(armDocument(plan, f.identity, job)) });
    }
  }
  const summary = { ...plan, functions: plan.functions.map(({ app: _a, jobs, ...f }) => ({ ...f, app: `aca/${f.name}.containerapp.yml`, jobs: jobs.map((j) => `aca/${j.name}.job.yml`) })) };
  files.push({ path: "plan.json", content: `${JSON.stringify(summary, null, 2)}\n` });
  return files;
}
