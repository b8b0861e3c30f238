import { CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { writeLine, type CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { buildProgram } from './program.js';

/** Runs one command line and answers the exit code; failures are printed as one line on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    // Commander has already printed its message (or the help, which exits 0 when asked for).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (error instanceof CliError) {
      writeLine(io.stderr, `reposync: ${error.message}`);
      return error.exitCode;
    }
    writeLine(io.stderr, `reposync: unexpected failure: ${(error as Error).stack ?? String(error)}`);
    return ExitCode.failed;
  }
}
