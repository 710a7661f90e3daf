// The exit codes of the zeroscale command (docs/cli.md lists them; scripts and CI may rely on them).

/** How `zeroscale` exits. Stable: a change here is a breaking change of the CLI. */
export const EXIT = {
  /** Success (warnings alone do not fail, unless --strict). */
  ok: 0,
  /** The app failed validation or a policy check (or a backend cannot honour it): fix the program. */
  validation: 1,
  /** The command line is wrong: an unknown command or flag, a bad flag value, a folder it will not write. */
  usage: 2,
  /** The user's program failed while it was loaded or built (it threw, or exports no App). */
  userProgram: 3,
  /** A bug in zeroscale itself: please report it with the output of --verbose. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, for the help text and docs/cli.md. */
export const EXIT_MEANINGS: readonly (readonly [ExitCode, string])[] = [
  [EXIT.ok, "success (warnings alone do not fail unless `--strict`)"],
  [EXIT.validation, "validation or policy failure: the app has errors (or warnings with `--strict`), or a backend cannot honour it"],
  [EXIT.usage, "usage error: unknown command or flag, a bad flag value, a busy port, an output folder zeroscale will not write"],
  [EXIT.userProgram, "failure inside your program: it threw while it was loaded or while it built the app"],
  [EXIT.internal, "internal error: a bug in zeroscale (rerun with `--verbose` and report the stack)"],
];
