import { OneApiError, RpcTransportError } from '../rpc/client/errors.js';

/** Exit status of `stratus`. `stratus --help` and docs/cli.md list the same codes. */
export const ExitCode = {
  /** The command succeeded. */
  OK: 0,
  /** The server rejected the call, or a local step failed (a file, a name lookup, the credentials). */
  FAILED: 1,
  /** The command line was wrong: unknown command or option, missing or invalid argument. */
  USAGE: 2,
  /** The server could not be reached: connection refused, timeout, HTTP error. */
  CONNECTION: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure whose message is printed as it is, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Creates the error for a command line that parses but makes no sense, such as `chmod 9x9`. */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.USAGE);
}

/** Message and exit status for an error that a command raised. */
export interface ErrorReport {
  message: string;
  exitCode: ExitCodeValue;
  /** Stack trace, set only for unexpected errors such as a bug in the CLI. */
  stack?: string;
}

/**
 * Classifies an error. An XML-RPC fault counts as a server response (1), because the
 * server was reached and rejected the request. Other transport errors are 3.
 */
export function reportError(error: unknown): ErrorReport {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof OneApiError) return { message: error.message, exitCode: ExitCode.FAILED };

  if (error instanceof RpcTransportError) {
    if (error.faultCode === undefined) return { message: error.message, exitCode: ExitCode.CONNECTION };
    return { message: `[${error.method}] ${error.message}`, exitCode: ExitCode.FAILED };
  }

  const unexpected = error instanceof Error ? error : new Error(String(error));
  return { message: `unexpected error: ${unexpected.message}`, exitCode: ExitCode.FAILED, stack: unexpected.stack };
}
