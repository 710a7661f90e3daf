// `zeroscale dev --json`: the status lines as JSON lines on stdout, one object per line, each with an
// `event`: "ready" (once serving), "decision" (each scaling decision), "stopping", "stopped". Shapes are
// stable (docs/cli.md); logs go to stderr and the log file instead.
import type { ScaleDecision } from "../lib/engines/types.js";
import type { FunctionStatus, Gateway } from "../runtime/gateway/gateway.js";

export interface DevReadyEvent {
  readonly event: "ready";
  readonly app: string;
  readonly runtime: "docker" | "process";
  readonly engine: string;
  readonly url: string;
  readonly admin: string;
  readonly logFile: string;
  readonly functions: readonly { readonly id: string; readonly effective: FunctionStatus["effective"]; readonly coldStart: FunctionStatus["coldStart"] }[];
  readonly routes: readonly { readonly url: string; readonly path: string; readonly methods: readonly string[]; readonly host: string | null; readonly function: string }[];
}

export class JsonView {
  private ready = false;

  constructor(
    private readonly gateway: Pick<Gateway, "status" | "routes" | "url" | "adminUrl">,
    private readonly info: { readonly app: string; readonly runtime: "docker" | "process"; readonly engine: string; readonly logFile: string },
  ) {}

  private line(value: object): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }

  decision(d: ScaleDecision): void {
    this.line({ event: "decision", time: new Date().toISOString(), function: d.function, desired: d.desired, ready: d.ready, observed: d.observed, panicking: d.panicking, reason: d.reason });
  }

  say(text: string): void {
    this.line(text.startsWith("stopping") ? { event: "stopping" } : text.startsWith("stopped") ? { event: "stopped" } : { event: "message", text });
  }

  render(status: FunctionStatus[]): void {
    if (this.ready) return;
    this.ready = true;
    const g = this.gateway;
    const ready: DevReadyEvent = {
      event: "ready",
      ...this.info,
      url: g.url,
      admin: g.adminUrl,
      functions: status.map((f) => ({ id: f.id, effective: f.effective, coldStart: f.coldStart })),
      routes: g.routes.map((r) => ({ url: `${g.url}${r.path}`, path: r.path, methods: [...r.methods], host: r.host ?? null, function: r.fn })),
    };
    this.line(ready);
  }
}
