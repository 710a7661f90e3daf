// A user-defined construct: one function, its route, its scaling policy and its database secret.
// Reused three times in app.ts; each instance shows up as a subtree of the graph (shop/cart/...).
import { Construct } from "constructs";
import { Duration, EventTrigger, ScalingPolicy, ServerlessFunction } from "zeroscale";

/** Props of a {@link Microservice}. */
export interface MicroserviceProps {
  /** Folder of the service's handler (index.js#handler), relative to this example. */
  readonly code: string;
  /** Route prefix, e.g. "/cart". */
  readonly path: string;
  /** Secret store holding the service's database URL (key "url"). */
  readonly database: string;
  /** Most instances. @default 10 */
  readonly maxInstances?: number;
  /** Instances kept warm (0 = idle-zero). @default 0 */
  readonly minInstances?: number;
  /** Memory per instance. @default "128Mi" */
  readonly memory?: string;
}

/** A function + HTTP route + idle-zero scaling + database secret, as one reusable piece. */
export class Microservice extends Construct {
  readonly fn: ServerlessFunction;
  readonly route: EventTrigger;
  readonly scaling: ScalingPolicy;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    this.fn = new ServerlessFunction(this, "fn", {
      code: { path: props.code, handler: "index.js#handler" },
      memory: props.memory ?? "128Mi",
      cpu: "100m",
      timeout: Duration.seconds(15),
      env: { SERVICE: id },
      secrets: { DATABASE_URL: { secret: props.database, key: "url" } },
      labels: { service: id },
    });
    this.route = new EventTrigger(this, "route", { target: this.fn, http: { path: props.path } });
    this.scaling = new ScalingPolicy(this, "scaling", {
      target: this.fn,
      minInstances: props.minInstances ?? 0,
      maxInstances: props.maxInstances ?? 10,
      metric: { concurrency: 50 },
      idleTimeout: Duration.minutes(2),
    });
  }
}
