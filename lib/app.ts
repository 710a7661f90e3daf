import { Construct } from "constructs";
import type { PolicyOptions } from "./policy/checks.js";

const APP_BRAND = Symbol.for("zeroscale.App");

/** Props of an {@link App}. */
export interface AppProps {
  /**
   * The app's name: a DNS-1123 label of at most 30 characters. It is the root of every construct
   * path ("shop/api") and part of every derived resource name.
   */
  readonly name: string;
  /**
   * Labels put on every resource of the app, next to the standard `app.kubernetes.io/*` ones.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** Opt-in policy checks. @default {} */
  readonly policy?: PolicyOptions;
}

/**
 * The root of a zeroscale construct tree. Every function, trigger and scaling policy lives under
 * one App; `synth(app)` (or `app.synth()`) turns the tree into a deployment graph.
 */
export class App extends Construct {
  /** True when `x` is an App (also across copies of the package). */
  static isApp(x: unknown): x is App {
    return typeof x === "object" && x !== null && APP_BRAND in x;
  }

  /** The props this App was created with. */
  readonly props: AppProps;

  constructor(props: AppProps) {
    // The root construct's id is the app name, so construct paths read "shop/api".
    super(undefined as unknown as Construct, typeof props?.name === "string" ? props.name : "");
    Object.defineProperty(this, APP_BRAND, { value: true });
    this.props = props;
  }
}
