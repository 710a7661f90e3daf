// Consumption cpu/memory pairs, Azure names and secrets: the function-level limits of aca().
import type { Diagnostics, FunctionNode } from "../../lib/index.js";
import { parseQuantityValue } from "../../lib/index.js";
import { CONSUMPTION_PAIRS } from "../../lib/engines/aca/defaults.js";

/** The Consumption pair a function runs with: the smallest pair holding both its cpu and memory; undefined (an error recorded) above 4 vCPU / 8 GiB. */
export function consumptionPair(fn: FunctionNode, d: Diagnostics): { cpu: number; memory: string } | undefined {
  const cpu = parseQuantityValue(fn.cpu) ?? 0;
  const memGi = (parseQuantityValue(fn.memory) ?? 0) / 2 ** 30;
  const pair = CONSUMPTION_PAIRS.find((p) => p.cpu >= cpu - 1e-9 && p.memoryGi >= memGi - 1e-9);
  if (!pair) {
    const prop = cpu > 4 ? "cpu" : "memory";
    d.error("ZS-ACA-RESOURCES-MAX", fn.id, prop, prop === "cpu" ? fn.cpu : fn.memory, "is above the Consumption profile's largest pair, 4 vCPU / 8Gi", "give at most cpu: \"4\" and memory: \"8Gi\", or deploy with knative() or keda() on a cluster with larger nodes");
    return undefined;
  }
  const memory = `${pair.memoryGi}Gi`;
  if (Math.abs(pair.cpu - cpu) > 1e-9 || Math.abs(pair.memoryGi - memGi) > 1e-9) {
    d.warn("ZS-ACA-RESOURCES", fn.id, "memory, cpu", { cpu: fn.cpu, memory: fn.memory }, `is not a Consumption pair; it runs with ${pair.cpu} vCPU / ${memory}, the smallest pair holding both (pairs are 0.25 vCPU / 0.5Gi steps up to 4 / 8Gi)`, `set cpu: "${pair.cpu * 1000}m" and memory: "${pair.memoryGi * 1024}Mi" to state what runs`);
  }
  return { cpu: pair.cpu, memory };
}

/** An Azure Container Apps name (lowercase letters, digits and "-", <= 32): the DNS name when it fits, else its head + its 8-hex hash. */
export function acaName(name: string, max = 32): string {
  if (name.length <= max) return name;
  return `${name.slice(0, max - 9).replace(/-+$/, "")}-${name.slice(-8)}`;
}

/** The Container App secret (and Key Vault secret) name of a store's key. */
export function secretName(store: string, key: string): string {
  return `${store}-${key}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
}

/** Azure tags: no "/" (nor <>%&\?) in names, values up to 256. */
export function azureTags(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k.replace(/[<>%&\\?/]/g, "_"), v]));
}
