import type * as P from "@pulumi/pulumi";
import { loadSdk } from "./sdk.js";

/** @pulumi/pulumi, the user's own copy (an optional peer; a clear error names it when missing). */
const pulumi = loadSdk("@pulumi/pulumi", "zeroscale/pulumi");

/** A zeroscale component resource (the app, or one function). */
export class ZeroscaleComponent extends pulumi.ComponentResource {
  constructor(type: "zeroscale:index:App" | "zeroscale:index:ServerlessFunction", name: string, opts: P.ComponentResourceOptions = {}) {
    super(type, name, {}, opts);
  }

  /** Register the component's outputs (ends its registration). */
  complete(outputs: P.Inputs): void {
    this.registerOutputs(outputs);
  }
}
