import { toYaml } from "./emit-yaml.js";
import type { ArtifactFile } from "../../lib/index.js";
import type { KubePlan } from "./plan.js";

/**
 * One multi-document YAML file per function (`manifests/<function name>.yaml`, resources in plan
 * order) plus `plan.json` (functions, resources by key with owner, dependencies and file, warnings);
 * manifests/ holds only Kubernetes objects, so it can be applied or validated as a whole.
 */
export function kubeArtifacts(plan: KubePlan): ArtifactFile[] {
  const byOwner = new Map<string, string[]>();
  for (const r of plan.resources) {
    const docs = byOwner.get(r.owner) ?? [];
    docs.push(toYaml(r.manifest as unknown as Record<string, unknown>));
    byOwner.set(r.owner, docs);
  }
  const files: ArtifactFile[] = [];
  for (const f of [...plan.functions].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    files.push({ path: `manifests/${f.name}.yaml`, content: `---\n${(byOwner.get(f.id) ?? []).join("---\n")}` });
  }
  // The plan without the manifests' bodies (they are in the YAML): resources by key, owner, dependencies and file.
  const fileOf = new Map(plan.functions.map((f) => [f.id, `manifests/${f.name}.yaml`]));
  const summary = { ...plan, resources: plan.resources.map((r) => ({ key: r.key, owner: r.owner, dependsOn: r.dependsOn, file: fileOf.get(r.owner) })) };
  files.push({ path: "plan.json", content: `${JSON.stringify(summary, null, 2)}\n` });
  return files;
}
