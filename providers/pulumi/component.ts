import * as pulumi from "@pulumi/pulumi";

/** A zeroscale component resource (the app, or one function). */
export class ZeroscaleComponent extends pulumi.ComponentResource {
  constructor(type: "zeroscale:index:App" | "zeroscale:index:ServerlessFunction", name: string, opts: pulumi.ComponentResourceOptions = {}) {
    super(type, name, {}, opts);
  }

  /** Register the component's outputs (ends its registration). */
  complete(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}
