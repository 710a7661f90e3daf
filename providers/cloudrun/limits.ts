// Cloud Run's container limits, checked at synth time (the Pulumi mocks validate nothing, and the API
// would only refuse at deploy): CPU, memory and their coupling, and where images may come from.
import { CLOUDRUN_DEFAULTS as D } from "../../lib/engines/cloudrun/defaults.js";
import type { Diagnostics, FunctionNode } from "../../lib/index.js";
import { parseQuantity } from "../../lib/validation/checker.js";

/** The CPU limit Cloud Run runs a function with ("1", "0.5", ...), or undefined (an error recorded). */
export function cloudRunCpu(fn: FunctionNode, d: Diagnostics): { readonly cpu: string; readonly cores: number } | undefined {
  const millis = Math.round((parseQuantity(fn.cpu) ?? 0) * 1000);
  const allowed = `1, 2, 4, 6 or 8 CPUs, or with concurrency 1 a fraction from 0.08 in steps of 0.01`;
  if (millis >= 1000) {
    if (millis % 1000 !== 0 || !D.wholeCpus.includes(millis / 1000)) {
      d.error("ZS-CLOUDRUN-CPU", fn.id, "cpu", fn.cpu, `is not a Cloud Run CPU limit (${allowed})`, `use one of "1", "2", "4", "6", "8"`);
      return undefined;
    }
    return { cpu: String(millis / 1000), cores: millis / 1000 };
  }
  if (millis < D.minFractionalCpuMillis || millis % 10 !== 0) {
    d.error("ZS-CLOUDRUN-CPU", fn.id, "cpu", fn.cpu, `is not a Cloud Run CPU limit (${allowed})`, 'use "1", or with concurrency 1 a value such as "250m" or "500m"');
    return undefined;
  }
  if (fn.concurrency > 1) {
    d.warn("ZS-CLOUDRUN-CPU-RAISED", fn.id, "cpu", fn.cpu, `becomes 1 CPU on Cloud Run: a fraction of a CPU needs concurrency 1, and the function's concurrency is ${fn.concurrency}`, 'set cpu: "1", or concurrency: 1 to keep the fraction');
    return { cpu: "1", cores: 1 };
  }
  return { cpu: String(millis / 1000), cores: millis / 1000 };
}

/** The memory limit in Mi, or undefined (an error recorded); checks the CPU coupling against `cores`. */
export function cloudRunMemory(fn: FunctionNode, cores: number | undefined, d: Diagnostics): string | undefined {
  const mib = Math.ceil((parseQuantity(fn.memory) ?? 0) / 2 ** 20);
  if (mib < D.minMemoryMiB || mib > D.maxMemoryMiB) {
    d.error("ZS-CLOUDRUN-MEMORY", fn.id, "memory", fn.memory, `is outside Cloud Run's ${D.minMemoryMiB}Mi..${D.maxMemoryMiB / 1024}Gi`, `use a size within it, e.g. "${D.minMemoryMiB}Mi" or "512Mi"`);
    return undefined;
  }
  const need = D.memoryCpu.find((r) => mib > r.aboveMiB);
  if (need && cores !== undefined && cores < need.cpu) {
    const cpus = `${need.cpu} CPU${need.cpu === 1 ? "" : "s"}`;
    d.error("ZS-CLOUDRUN-MEMORY-CPU", fn.id, "memory", fn.memory, `needs at least ${cpus} on Cloud Run (above ${size(need.aboveMiB)}), and the function has ${cores}`, `set cpu: "${need.cpu}", or memory <= ${size(need.aboveMiB)}`);
    return undefined;
  }
  const floor = D.cpuMemory.find((r) => r.cpu === cores);
  if (floor && mib < floor.minMiB) {
    d.error("ZS-CLOUDRUN-MEMORY-CPU", fn.id, "memory", fn.memory, `is below the ${size(floor.minMiB)} Cloud Run requires with ${floor.cpu} CPUs`, `set memory: "${size(floor.minMiB)}" or more, or fewer CPUs`);
    return undefined;
  }
  return `${mib}Mi`;
}

/** A size in MiB as Kubernetes quantity text: "4Gi", "512Mi". */
function size(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/** A fraction of a CPU runs only in the first-generation execution environment. */
export function needsGen1(cpu: string): boolean {
  return Number(cpu) < 1;
}

/** Registries Cloud Run pulls from: Artifact Registry, Container Registry, Docker Hub. */
export function pullableByCloudRun(image: string): boolean {
  const first = image.split("/")[0] as string;
  const hosted = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hosted) return true; // Docker Hub
  return first === "docker.io" || first === "gcr.io" || first.endsWith(".gcr.io") || first.endsWith("-docker.pkg.dev") || first === "docker.pkg.dev";
}

/** An Artifact Registry repository path "<region>-docker.pkg.dev/<project>/<repository>". */
export const ARTIFACT_REGISTRY = /^([a-z0-9-]+)-docker\.pkg\.dev\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/([a-z]([a-z0-9-]{0,61}[a-z0-9])?)$/;
