import { stringify } from "yaml";
import type { ArtifactFile } from "../../lib/index.js";
import type { KubePlan } from "./plan.js";

/** One multi-document YAML file per function (`manifests/<function name>.yaml`, resources in plan order) plus `plan.json`; manifests/ holds only Kubernetes objects, so it can be applied or validated as a whole. */
export function kubeArtifacts(plan: KubePlan): ArtifactFile[] {
  const byOwner = new Map<string, string[]>();
  for (const r of plan.resources) {
    const docs = byOwner.get(r.owner) ?? [];
    docs.push(stringify(r.manifest, { lineWidth: 0, aliasDuplicateObjects: false }));
    byOwner.set(r.owner, docs);
  }
  const files: ArtifactFile[] = [];
  for (const f of [...plan.functions].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    files.push({ path: `manifests/${f.name}.yaml`, content: `---\n${(byOwner.get(f.id) ?? []).join("---\n")}` });
  }
  files.push({ path: "plan.json", content: `${JSON.stringify(plan, null, 2)}\n` });
  return files;
}
