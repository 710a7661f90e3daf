import type { DeploymentGraph } from "../lib/index.js";
import type { ColdStartBehaviour } from "../lib/engines/types.js";
import type { EngineName } from "../lib/vocabulary.js";

/** The gateway container's settings (the Docker backend plans them; gateway-main reads them). */
export interface GatewaySettings {
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
}

/** The gateway container's configuration file: the deployment graph and the settings, never secrets. */
export interface GatewayConfig extends GatewaySettings {
  readonly graph: DeploymentGraph;
}
