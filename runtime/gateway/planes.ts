import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Logger } from "pino";
import type { DataPlane } from "./data-plane.js";
import type { EdgeLimits } from "./edge.js";

/** The data planes a gateway can be given by name, or one of your own. */
export type DataPlaneChoice = "node" | "haproxy" | DataPlane;

/** The data planes by name. */
export const DATA_PLANES = ["node", "haproxy"] as const;

/** What a named data plane is made with (the gateway's own settings). */
export interface DataPlaneDeps {
  readonly concurrencyOf: (fn: string) => number;
  readonly log: Logger;
  readonly limits: EdgeLimits;
  /** The user's Host allow-list, without the routes' hosts; undefined = every host. */
  readonly allowedHosts: readonly string[] | undefined;
  /** The control plane's clock, ms. */
  readonly now: () => number;
}

/**
 * The haproxy binary this machine would run: `haproxy` on PATH, else /usr/sbin/haproxy (Debian's
 * place, often not on a user's PATH); undefined when neither is there.
 */
export function findHaproxy(path: string = process.env["PATH"] ?? ""): string | undefined {
  const candidates = [...path.split(delimiter).filter(Boolean).map((dir) => join(dir, "haproxy")), "/usr/sbin/haproxy"];
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not there, or not executable: the next one
    }
  }
  return undefined;
}

/**
 * Make the named data plane. "haproxy" is loaded only when asked (the Node data plane, the default,
 * needs nothing installed); a missing haproxy fails here with what to install.
 */
export async function resolveDataPlane(name: Exclude<DataPlaneChoice, "node" | DataPlane>, deps: DataPlaneDeps): Promise<DataPlane> {
  switch (name) {
    case "haproxy": {
      const binary = findHaproxy();
      if (!binary) throw new Error("the haproxy data plane needs haproxy, which is not on PATH (nor /usr/sbin/haproxy): install it (apt-get install haproxy) or use the node data plane");
      const { HaproxyDataPlane } = await import("./haproxy/index.js");
      return new HaproxyDataPlane({
        limits: deps.limits,
        allowedHosts: deps.allowedHosts,
        concurrencyOf: deps.concurrencyOf,
        now: deps.now,
        binary,
        log: { warn: (obj: object, msg: string) => deps.log.warn(obj, msg), debug: (obj: object, msg: string) => deps.log.debug(obj, msg) },
      });
    }
    default: {
      const unknown: never = name;
      throw new Error(`unknown data plane ${String(unknown)}`);
    }
  }
}
