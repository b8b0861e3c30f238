import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

// A reader that stops early (`reposync ls … | head`) closes the pipe: that ends the output, not in failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** `npx reposync …`: the exit code is set, not forced, so piped output is flushed first. */
process.exitCode = await runCli(process.argv.slice(2), processIo());
