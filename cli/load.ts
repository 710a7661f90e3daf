import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { App } from "../lib/app.js";

/** A CLI failure with a message meant for the user (no stack trace unless --verbose). */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * Load a zeroscale program (TypeScript through tsx, or JavaScript) and return its App: the default
 * export, or an export named `app`; either may also be a function that returns the App.
 */
export async function loadApp(file: string): Promise<{ app: App; file: string }> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new CliError(`no such program: ${file}`);
  let mod: Record<string, unknown>;
  const url = pathToFileURL(abs).href;
  if (/\.(ts|mts|cts|tsx)$/.test(abs)) {
    const { tsImport } = await import("tsx/esm/api");
    mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  } else {
    mod = (await import(url)) as Record<string, unknown>;
  }
  for (const key of ["default", "app"]) {
    let candidate = mod[key];
    if (typeof candidate === "function" && !App.isApp(candidate)) candidate = await (candidate as () => unknown)();
    if (App.isApp(candidate)) return { app: candidate, file: abs };
  }
  const exported = Object.keys(mod).join(", ") || "nothing";
  throw new CliError(`${file} exports no App: export it as the default export or as \`app\` (it exports ${exported})`);
}
