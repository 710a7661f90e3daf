import type { DeploymentGraph } from "../lib/index.js";
import type { ColdStartBehaviour } from "../lib/engines/types.js";
import type { EngineName } from "../lib/vocabulary.js";

/** The gateway's edge limits (the Gateway options of the same names; docs/local-runtime.md "Edge limits and guarantees"); each absent keeps the gateway's default. */
export interface EdgeSettings {
  /** Longest a client may take to send its request headers, ms (408). @default 10000 */
  readonly headersTimeoutMs?: number;
  /** Longest a client may take to send its whole request, ms (408); not the function's run time. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** How long an idle client keep-alive connection stays open, ms (below the runner's 75 s). @default 5000 */
  readonly keepAliveTimeoutMs?: number;
  /** Open client connections at most; one more gets 503 and is closed. @default 10000 */
  readonly maxConnections?: number;
  /** Largest request body, bytes (413). @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** Request bodies held in memory at once across all requests, bytes (503 + Retry-After). @default 256 MiB */
  readonly maxBufferedBytes?: number;
  /** Largest request header block, bytes (431). @default 16 KiB */
  readonly maxHeaderBytes?: number;
  /** Host values the route port answers (`name` or `name:port`), 403 otherwise; routes' own hosts are always allowed. @default any host */
  readonly allowedHosts?: readonly string[];
}

/** The gateway container's settings (the Docker backend plans them; gateway-main reads them). */
export interface GatewaySettings extends EdgeSettings {
  readonly port: number;
  readonly host: string;
  readonly adminPort: number;
  readonly networkMode: "host" | "bridge";
  /** Knative's grace period, used only with `engine: "knative"`. @default 30 */
  readonly scaleToZeroGracePeriodSeconds?: number;
  /** Cold-start behaviour for every function, overriding each policy's. @default each policy's own coldStart */
  readonly coldStart?: ColdStartBehaviour;
  /** The scaling semantics the gateway runs. @default "zeroscale" (every knob as declared) */
  readonly engine?: EngineName;
  /**
   * What carries requests: "haproxy" (HAProxy on the route port, the gateway its activator and
   * control plane; the gateway image carries haproxy) or "node" (the gateway's own Node proxy).
   * @default "node" (a config without it, as written before the Docker backend chose haproxy)
   */
  readonly dataPlane?: "node" | "haproxy";
}

/** The edge-limit settings' names, as in GatewayOptions. */
export const EDGE_SETTINGS = ["headersTimeoutMs", "requestTimeoutMs", "keepAliveTimeoutMs", "maxConnections", "maxBodyBytes", "maxBufferedBytes", "maxHeaderBytes", "allowedHosts"] as const;

/** The edge settings present in `settings` (for the Gateway's options: absent ones keep its defaults). */
export function edgeSettings(settings: Partial<GatewaySettings>): Pick<GatewaySettings, (typeof EDGE_SETTINGS)[number]> {
  const out: Record<string, unknown> = {};
  for (const k of EDGE_SETTINGS) if (settings[k] !== undefined) out[k] = settings[k];
  return out as Pick<GatewaySettings, (typeof EDGE_SETTINGS)[number]>;
}

/** The gateway container's configuration file: the deployment graph and the settings, never secrets. */
export interface GatewayConfig extends GatewaySettings {
  readonly graph: DeploymentGraph;
}
