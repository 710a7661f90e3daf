// An in-process stand-in for the Pulumi engine: the ResourceMonitor and Engine gRPC services that
// `pulumi preview`/`pulumi up` serve to a program, built from the Pulumi SDK's own generated code
// (@pulumi/pulumi/proto/*_grpc_pb.js) and the @grpc/grpc-js copy the SDK itself loads, so a program
// started with Pulumi's real program runner (`@pulumi/pulumi/cmd/run`) talks to it exactly as it
// talks to the CLI. It records every registration; it creates nothing (no providers, no plugins).
import { createRequire } from "node:module";
import { dirname } from "node:path";

const here = createRequire(import.meta.url);
/** require() from inside @pulumi/pulumi: its grpc-js, google-protobuf and proto modules, the very copies cmd/run uses. */
const sdkRequire = createRequire(here.resolve("@pulumi/pulumi"));
/** The installed @pulumi/pulumi package folder (cmd/run lives at `<sdkDir>/cmd/run`). */
export const pulumiSdkDir = dirname(here.resolve("@pulumi/pulumi"));

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes carry no types */
const grpc: any = sdkRequire("@grpc/grpc-js");
const resrpc: any = sdkRequire("./proto/resource_grpc_pb.js");
const resproto: any = sdkRequire("./proto/resource_pb.js");
const provproto: any = sdkRequire("./proto/provider_pb.js");
const engrpc: any = sdkRequire("./proto/engine_grpc_pb.js");
const engproto: any = sdkRequire("./proto/engine_pb.js");
const gstruct: any = sdkRequire("google-protobuf/google/protobuf/struct_pb.js");
const gempty: any = sdkRequire("google-protobuf/google/protobuf/empty_pb.js");
const rpc: any = sdkRequire("./runtime/rpc.js");

/** The wire encoding's markers (runtime/rpc.js). */
export const SIG = {
  key: rpc.specialSigKey as string,
  secret: rpc.specialSecretSig as string,
  resource: rpc.specialResourceSig as string,
  output: rpc.specialOutputValueSig as string,
  unknown: rpc.unknownValue as string,
} as const;

/** One RegisterResource or ReadResource the program sent. */
export interface Registration {
  readonly rpc: "RegisterResource" | "ReadResource";
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Parent URN ("" for the root stack). */
  readonly parent: string;
  readonly custom: boolean;
  /** The inputs as sent (google.protobuf.Struct -> JS): secrets and outputs still in their wire encoding; see {@link plain}. */
  readonly inputs: Record<string, unknown>;
  readonly dependencies: readonly string[];
  readonly provider: string;
  readonly version: string;
  readonly additionalSecretOutputs: readonly string[];
}

/** One Engine.Log message. */
export interface LogEntry {
  readonly severity: "debug" | "info" | "warning" | "error";
  readonly message: string;
  readonly urn: string;
}

export interface TestEngineOptions {
  readonly project: string;
  readonly stack: string;
  /** Preview (`pulumi preview`): custom resources get no id, like a create in a real preview. @default false */
  readonly dryRun?: boolean;
  /** Features answered true to SupportsFeature. @default secrets, resourceReferences, outputValues, deletedWith, aliasSpecs */
  readonly features?: readonly string[];
}

export interface PulumiTestEngine {
  /** host:port of both services (pass it as --monitor and --engine). */
  readonly address: string;
  readonly registrations: Registration[];
  /** RegisterResourceOutputs by URN (the root stack's are the stack outputs), wire encoding kept. */
  readonly outputs: Map<string, Record<string, unknown>>;
  readonly logs: LogEntry[];
  readonly invokes: { tok: string; args: Record<string, unknown> }[];
  /** How often each RPC was called, e.g. `{ "ResourceMonitor/RegisterResource": 12 }`. */
  readonly calls: Record<string, number>;
  /** The root (stack) URN the program set, if any. */
  readonly rootUrn: () => string | undefined;
  /** The URN of the root stack resource the SDK registers (`pulumi:pulumi:Stack`, `<project>-<stack>`). */
  readonly stackUrn: string;
  readonly stop: () => Promise<void>;
}

const DEFAULT_FEATURES = ["secrets", "resourceReferences", "outputValues", "deletedWith", "aliasSpecs"];
const SEVERITY = ["debug", "info", "warning", "error"] as const;
const STACK_TYPE = "pulumi:pulumi:Stack";

/** Starts the engine on 127.0.0.1 with an ephemeral port. */
export async function startPulumiTestEngine(options: TestEngineOptions): Promise<PulumiTestEngine> {
  const { project, stack } = options;
  const dryRun = options.dryRun ?? false;
  const features = new Set(options.features ?? DEFAULT_FEATURES);
  const registrations: Registration[] = [];
  const outputs = new Map<string, Record<string, unknown>>();
  const logs: LogEntry[] = [];
  const invokes: { tok: string; args: Record<string, unknown> }[] = [];
  const calls: Record<string, number> = {};
  const types = new Map<string, string>(); // urn -> qualified type
  let root: string | undefined;

  const urnOf = (type: string, name: string, parent: string): string => {
    const parentType = parent === "" ? undefined : types.get(parent);
    // Like the engine: children of the root stack do not carry the stack's type.
    const qualified = parentType === undefined || parentType === STACK_TYPE ? type : `${parentType}$${type}`;
    const urn = `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
    types.set(urn, qualified);
    return urn;
  };

  type Handler = (call: { request: any }, callback: (err: unknown, resp?: unknown) => void) => void;
  const unimplemented = (name: string): Handler => (_call, callback) => {
    count(name);
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by the test engine` });
  };
  const count = (name: string) => void (calls[name] = (calls[name] ?? 0) + 1);
  const handle = (name: string, fn: (request: any) => unknown): Handler => (call, callback) => {
    count(name);
    try {
      callback(null, fn(call.request));
    } catch (err) {
      callback({ code: grpc.status.INTERNAL, details: `${name}: ${(err as Error).stack ?? String(err)}` });
    }
  };
  const toStruct = (value: Record<string, unknown>) => gstruct.Struct.fromJavaScript(value);
  const fromStruct = (s: any): Record<string, unknown> => (s ? (s.toJavaScript() as Record<string, unknown>) : {});

  const monitor: Record<string, Handler> = {
    getDeploymentInfo: unimplemented("ResourceMonitor/GetDeploymentInfo"),
    supportsFeature: handle("ResourceMonitor/SupportsFeature", (req) => {
      const resp = new resproto.SupportsFeatureResponse();
      resp.setHassupport(features.has(req.getId()));
      return resp;
    }),
    registerResource: handle("ResourceMonitor/RegisterResource", (req) => {
      const type: string = req.getType();
      const name: string = req.getName();
      const parent: string = req.getParent();
      const urn = urnOf(type, name, parent);
      const inputs = fromStruct(req.getObject());
      registrations.push({
        rpc: "RegisterResource",
        type,
        name,
        urn,
        parent,
        custom: req.getCustom(),
        inputs,
        dependencies: req.getDependenciesList(),
        provider: req.getProvider(),
        version: req.getVersion(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      });
      const resp = new resproto.RegisterResourceResponse();
      resp.setUrn(urn);
      // A preview of a create has no id yet; an update gets the provider's id.
      if (req.getCustom() && !dryRun) resp.setId(`${name}-id`);
      resp.setObject(toStruct(fakeOutputs(type, inputs, req.getAdditionalsecretoutputsList(), dryRun)));
      resp.setResult(resproto.Result.SUCCESS);
      return resp;
    }),
    registerResourceOutputs: handle("ResourceMonitor/RegisterResourceOutputs", (req) => {
      outputs.set(req.getUrn(), fromStruct(req.getOutputs()));
      return new gempty.Empty();
    }),
    readResource: handle("ResourceMonitor/ReadResource", (req) => {
      const type: string = req.getType();
      const name: string = req.getName();
      const parent: string = req.getParent();
      const urn = urnOf(type, name, parent);
      const inputs = fromStruct(req.getProperties());
      registrations.push({
        rpc: "ReadResource",
        type,
        name,
        urn,
        parent,
        custom: true,
        inputs,
        dependencies: req.getDependenciesList(),
        provider: req.getProvider(),
        version: req.getVersion(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      });
      const resp = new resproto.ReadResourceResponse();
      resp.setUrn(urn);
      resp.setProperties(toStruct(fakeOutputs(type, inputs, [], dryRun)));
      return resp;
    }),
    invoke: handle("ResourceMonitor/Invoke", (req) => {
      const args = fromStruct(req.getArgs());
      invokes.push({ tok: req.getTok(), args });
      const resp = new provproto.InvokeResponse();
      resp.setReturn(toStruct({}));
      return resp;
    }),
    call: unimplemented("ResourceMonitor/Call"),
    registerStackTransform: unimplemented("ResourceMonitor/RegisterStackTransform"),
    registerStackInvokeTransform: unimplemented("ResourceMonitor/RegisterStackInvokeTransform"),
    registerResourceHook: unimplemented("ResourceMonitor/RegisterResourceHook"),
    registerErrorHook: unimplemented("ResourceMonitor/RegisterErrorHook"),
    registerPackage: unimplemented("ResourceMonitor/RegisterPackage"),
    signalAndWaitForShutdown: handle("ResourceMonitor/SignalAndWaitForShutdown", () => new gempty.Empty()),
  };

  const engine: Record<string, Handler> = {
    log: handle("Engine/Log", (req) => {
      logs.push({ severity: SEVERITY[req.getSeverity() as 0 | 1 | 2 | 3] ?? "error", message: req.getMessage(), urn: req.getUrn() });
      return new gempty.Empty();
    }),
    getRootResource: handle("Engine/GetRootResource", () => {
      const resp = new engproto.GetRootResourceResponse();
      resp.setUrn(root ?? "");
      return resp;
    }),
    setRootResource: handle("Engine/SetRootResource", (req) => {
      root = req.getUrn();
      return new engproto.SetRootResourceResponse();
    }),
    startDebugging: unimplemented("Engine/StartDebugging"),
    requirePulumiVersion: handle("Engine/RequirePulumiVersion", () => new engproto.RequirePulumiVersionResponse()),
  };

  // The CLI's limit (rpcutil.GrpcChannelOptions): programs can send large inputs.
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(resrpc.ResourceMonitorService, monitor);
  server.addService(engrpc.EngineService, engine);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, p: number) => (err ? reject(err) : resolve(p))),
  );

  return {
    address: `127.0.0.1:${port}`,
    registrations,
    outputs,
    logs,
    invokes,
    calls,
    rootUrn: () => root,
    stackUrn: `urn:pulumi:${stack}::${project}::${STACK_TYPE}::${project}-${stack}`,
    // Graceful, but never waiting long on a client that is still connected (a killed or hung program).
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => (server.forceShutdown(), resolve()), 2000);
        server.tryShutdown(() => (clearTimeout(force), resolve()));
      }),
  };
}

/**
 * What the engine answers for a registration: the inputs (output values unwrapped, secrets kept,
 * unknowns as unknowns), `additionalSecretOutputs` made secret, and for a docker:index/image:Image
 * the pushed digest a real push reports (`<repository>@sha256:<64 hex>`, stable per image name);
 * in a preview it is unknown, as for a real create (nothing is pushed until `up`).
 */
function fakeOutputs(type: string, inputs: Record<string, unknown>, secretOutputs: readonly string[], dryRun: boolean): Record<string, unknown> {
  const out = asOutput(inputs) as Record<string, unknown>;
  if (type === "docker:index/image:Image") {
    const imageName = plain(inputs["imageName"]);
    if (typeof imageName === "string") {
      out["repoDigest"] = dryRun ? SIG.unknown : fakeRepoDigest(imageName);
      out["imageName"] = imageName;
    }
  }
  for (const key of secretOutputs) if (key in out && !isSecret(out[key])) out[key] = { [SIG.key]: SIG.secret, value: out[key] };
  return out;
}

function asOutput(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(asOutput);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (o[SIG.key] === SIG.output) {
    const inner = "value" in o ? asOutput(o["value"]) : SIG.unknown;
    return o["secret"] === true ? { [SIG.key]: SIG.secret, value: inner } : inner;
  }
  if (o[SIG.key] !== undefined) return o; // secrets, resource references, assets: as they are
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, asOutput(x)]));
}

/** `repo/name:tag` -> `repo/name` (a registry port's colon stays). */
export function withoutTag(image: string): string {
  const at = image.indexOf("@");
  const base = at >= 0 ? image.slice(0, at) : image;
  const slash = base.lastIndexOf("/");
  const colon = base.lastIndexOf(":");
  return colon > slash ? base.slice(0, colon) : base;
}

/** The `repoDigest` this engine reports for an Image named `imageName`: `<repository>@sha256:<64 hex>`. */
export function fakeRepoDigest(imageName: string): string {
  return `${withoutTag(imageName)}@sha256:${fakeDigest(imageName)}`;
}

function fakeDigest(seed: string): string {
  // 64 hex digits, stable for a name (FNV-1a, repeated with a counter): no crypto needed for a fake.
  let hex = "";
  for (let round = 0; hex.length < 64; round++) {
    let h = 0x811c9dc5 ^ round;
    for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, "0");
  }
  return hex.slice(0, 64);
}

/** True for a value the program sent as a secret (a secret, or an output value marked secret). */
export function isSecret(v: unknown): boolean {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return o[SIG.key] === SIG.secret || (o[SIG.key] === SIG.output && o["secret"] === true);
}

/** The wire encoding -> plain JS: secrets and output values unwrapped, resource references as their URN, unknowns as undefined. */
export function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v === SIG.unknown) return undefined;
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  switch (o[SIG.key]) {
    case SIG.secret:
    case SIG.output:
      return plain(o["value"]);
    case SIG.resource:
      return o["urn"];
    default:
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
  }
}
