import { ExitCode } from './exit-codes.js';

/** A failure the CLI reports as one line on stderr, exiting with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);
export const authError = (message: string) => new CliError(message, ExitCode.auth);
