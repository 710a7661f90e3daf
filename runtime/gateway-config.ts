import type { DeploymentGraph } from "../lib/index.js";

/** The gateway container's settings (the Docker backend plans them; gateway-main reads them). */
export interface GatewaySettings {
  readonly port: number;
  readonly host: string;
  readonly adminPort: number;
  readonly networkMode: "host" | "bridge";
  readonly scaleToZeroGracePeriodSeconds: number;
  readonly bufferSize: number;
  readonly waitTimeoutMs: number;
}

/** The gateway container's configuration file: the deployment graph and the settings, never secrets. */
export interface GatewayConfig extends GatewaySettings {
  readonly graph: DeploymentGraph;
}
