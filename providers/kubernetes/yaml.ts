import type { ArtifactFile } from "../../lib/index.js";
import type { KubePlan, KubeResource } from "./plan.js";
import { type EmitStats, ManifestTemplates } from "./yaml-templates.js";

/** Options of {@link kubeArtifacts}. */
export interface KubeArtifactOptions {
  /** Counts templated and fallback documents (for tests and benchmarks). @default none */
  readonly stats?: EmitStats;
}

/**
 * One multi-document YAML file per function (`manifests/<function name>.yaml`, resources in plan
 * order, each written in one pass through its kind's template: ./yaml-templates.ts) plus `plan.json`
 * (functions, resources by key with owner, dependencies and file, warnings; 2-space indented);
 * manifests/ holds only Kubernetes objects, so it can be applied or validated as a whole. plan.json's
 * content is computed when first read, so a caller that does not write it (`zeroscale synth` without
 * `--plan`) never pays for it.
 */
export function kubeArtifacts(plan: KubePlan, options: KubeArtifactOptions = {}): ArtifactFile[] {
  const templates = new ManifestTemplates();
  const byOwner = new Map<string, KubeResource[]>();
  for (const r of plan.resources) {
    const list = byOwner.get(r.owner);
    if (list) list.push(r);
    else byOwner.set(r.owner, [r]);
  }
  const files: ArtifactFile[] = [];
  for (const f of [...plan.functions].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const docs = (byOwner.get(f.id) ?? []).map((r) => templates.yaml(r.manifest, options.stats));
    files.push({ path: `manifests/${f.name}.yaml`, content: `---\n${docs.join("---\n")}` });
  }
  files.push(lazyFile("plan.json", () => `${JSON.stringify(planSummary(plan), null, 2)}\n`));
  return files;
}

/** The plan without the manifests' bodies (they are in the YAML): resources by key, owner, dependencies and file. */
function planSummary(plan: KubePlan): unknown {
  const fileOf = new Map(plan.functions.map((f) => [f.id, `manifests/${f.name}.yaml`]));
  return { ...plan, resources: plan.resources.map((r) => ({ key: r.key, owner: r.owner, dependsOn: r.dependsOn, file: fileOf.get(r.owner) })) };
}

/** A file whose content is computed once, when first read (an enumerable getter, so spreads and JSON see it). */
function lazyFile(path: string, make: () => string): ArtifactFile {
  let content: string | undefined;
  return {
    path,
    get content() {
      content ??= make();
      return content;
    },
  };
}
