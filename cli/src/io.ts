// What a command may touch of the world: the environment, the working and home directories, the
// two output streams and fetch. The bin passes the process's own; tests pass their own, which lets
// them run a command in-process and read what it printed.

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
  stdout: Stream;
  stderr: Stream;
  fetch: typeof fetch;
}

/** Exit codes: 0 done; 1 tried and failed (the server refused, could not be reached, a config
 * problem was found); 2 not tried, because the command line or the caller's setup is wrong. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error to print as it is (one or more lines, no stack) and exit with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT_USAGE);
export const failure = (message: string) => new CliError(message, EXIT_FAILED);
