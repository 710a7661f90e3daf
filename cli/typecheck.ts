import { dirname, resolve, sep } from "node:path";
import { CliError } from "./load.js";

/** One TypeScript diagnostic of a program, in the CLI's terms. */
export interface TypecheckDiagnostic {
  /** Absolute file, or undefined for a diagnostic about the configuration. */
  readonly file: string | undefined;
  /** 1-based line and column, when the diagnostic has a file. */
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** TypeScript's number, e.g. 2304 (shown as TS2304). */
  readonly code: number;
  readonly category: "error" | "warning" | "suggestion" | "message";
  /** The message, its chain flattened into lines. */
  readonly message: string;
  /** `<file>:<line>:<column> - error TS2304: Cannot find name 'Duration'.` (file relative to the working directory). */
  readonly text: string;
}

type TS = typeof import("typescript");

/**
 * Type-check a program the way `tsc --noEmit` would, before it is run (`zeroscale ... --typecheck`):
 * its nearest tsconfig.json (searched from the program's folder up) gives the compiler options;
 * without one, strict NodeNext defaults. Only the program and the files it imports are checked, and
 * only diagnostics outside node_modules are returned, errors first.
 *
 * The `typescript` package is loaded lazily (it is a devDependency of zeroscale and of most projects).
 * @throws CliError (exit 2) when the typescript package cannot be loaded
 */
export async function typecheckProgram(file: string): Promise<TypecheckDiagnostic[]> {
  const ts = await loadTypescript();
  const abs = resolve(file);
  const options = compilerOptions(ts, abs);
  const program = ts.createProgram({ rootNames: [abs], options: { ...options, noEmit: true } });
  const all = [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()];
  const inNodeModules = (f: string) => f.includes(`${sep}node_modules${sep}`) || f.includes("/node_modules/");
  const out = all.filter((d) => !d.file || !inNodeModules(d.file.fileName)).map((d) => toDiagnostic(ts, d));
  const rank = { error: 0, warning: 1, suggestion: 2, message: 3 } as const;
  return out.sort((a, b) => rank[a.category] - rank[b.category]);
}

async function loadTypescript(): Promise<TS> {
  try {
    const mod = (await import("typescript")) as TS & { default?: TS };
    return mod.default ?? mod;
  } catch {
    throw new CliError("--typecheck needs the typescript package, which is not installed: npm install --save-dev typescript");
  }
}

function compilerOptions(ts: TS, abs: string): import("typescript").CompilerOptions {
  const configPath = ts.findConfigFile(dirname(abs), (f) => ts.sys.fileExists(f));
  if (configPath) {
    const read = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
    if (!read.error) {
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath), undefined, configPath);
      return parsed.options;
    }
  }
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true,
    allowJs: true,
  };
}

function toDiagnostic(ts: TS, d: import("typescript").Diagnostic): TypecheckDiagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  const category = d.category === ts.DiagnosticCategory.Error ? "error" : d.category === ts.DiagnosticCategory.Warning ? "warning" : d.category === ts.DiagnosticCategory.Suggestion ? "suggestion" : "message";
  if (!d.file || d.start === undefined) {
    return { file: undefined, line: undefined, column: undefined, code: d.code, category, message, text: `${category} TS${d.code}: ${message}` };
  }
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const file = resolve(d.file.fileName);
  const shown = file.startsWith(process.cwd() + sep) ? file.slice(process.cwd().length + 1) : file;
  return { file, line: line + 1, column: character + 1, code: d.code, category, message, text: `${shown}:${line + 1}:${character + 1} - ${category} TS${d.code}: ${message}` };
}
