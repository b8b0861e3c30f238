import { Command, Option } from 'commander';
import type { CliIo } from './cli-io.js';
import { createCommandContext, type CommandContext } from './command-context.js';
import { cat } from './commands/cat.js';
import { edit, EDIT_MODES, type EditOptions } from './commands/edit.js';
import { link, type LinkOptions } from './commands/link.js';
import { log } from './commands/log.js';
import { login, type LoginOptions } from './commands/login.js';
import { ls } from './commands/ls.js';
import { status } from './commands/status.js';
import { sync } from './commands/sync.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The `reposync` command line: every command talks to the REST API through the typed client. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('reposync')
    .description('Import GitHub repositories into reposync, follow their syncs, read their files and commit edits back.')
    .option('--json', 'machine-readable output (JSON, no progress bar)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showSuggestionAfterError()
    .addHelpText('after', '\nThe URL and key come from `reposync login`; REPOSYNC_URL and REPOSYNC_API_KEY override them.\nExit codes: 0 ok, 1 failed sync or operation, 2 bad usage, 3 not logged in or key refused.');

  /** Runs a command's action with the context built from the global options. */
  const run =
    <Args extends unknown[]>(action: (context: CommandContext, ...args: Args) => Promise<void>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const { json = false } = command.optsWithGlobals<{ json?: boolean }>();
      await action(createCommandContext(io, json), ...(args.slice(0, -1) as Args));
    };

  program
    .command('login')
    .description('store the API URL and key (checked with a call); the key may also come from REPOSYNC_API_KEY or stdin')
    .option('--url <url>', 'where the API listens (default: REPOSYNC_URL, the stored URL, or http://127.0.0.1:3000)')
    .option('--key <key>', 'an API key (default: REPOSYNC_API_KEY, else the first line of stdin)')
    .action(run((context, options: LoginOptions) => login(context, options)));

  program
    .command('link')
    .description("link a GitHub repository and print the new project's id")
    .argument('<owner/repo>', 'the repository')
    .option('--branch <branch>', "the branch to follow (default: the repository's default branch)")
    .option('--token <token>', 'a personal access token for the repository')
    .option('--installation <id>', 'a GitHub App installation id')
    .action(run((context, repository: string, options: LinkOptions) => link(context, repository, options)));

  program
    .command('sync')
    .description('sync the newest commit now (or the initial import) and show its progress until it ends')
    .argument('<project>', 'a project id, or owner/repo')
    .option('--initial', 'the initial import from the archive')
    .action(run((context, project: string, options: { initial?: boolean }) => sync(context, project, options)));

  program
    .command('status')
    .description("one project's sync status, or a table of every project")
    .argument('[project]', 'a project id, or owner/repo')
    .option('--watch', 'keep printing it whenever it changes (Ctrl-C stops)')
    .action(run((context, project: string | undefined, options: { watch?: boolean }) => status(context, project, options)));

  program
    .command('ls')
    .description("list the current snapshot's files (under a path)")
    .argument('<project>', 'a project id, or owner/repo')
    .argument('[path]', 'a file or directory')
    .action(run((context, project: string, path: string | undefined) => ls(context, project, path)));

  program
    .command('cat')
    .description("write a file's raw bytes to stdout")
    .argument('<project>', 'a project id, or owner/repo')
    .argument('<path>', 'the file')
    .action(run((context, project: string, path: string) => cat(context, project, path)));

  program
    .command('log')
    .description('the operations log: syncs and edits, newest first')
    .argument('<project>', 'a project id, or owner/repo')
    .option('--limit <n>', 'how many operations (at most 100)', '50')
    .action(run((context, project: string, options: { limit?: string }) => log(context, project, options)));

  program
    .command('edit')
    .description('commit local files and deletions to GitHub, wait, and print the commit or pull request')
    .argument('<project>', 'a project id, or owner/repo')
    .argument('[changes...]', '<path in the repository>=<local file>')
    .requiredOption('-m, --message <message>', 'the commit message')
    .option('--delete <path>', 'delete a path (repeatable)', collect, [])
    .addOption(new Option('--mode <mode>', "direct commit, pull request, or direct when possible (default: the project's mode)").choices(EDIT_MODES))
    .action(run((context, project: string, changes: string[], options: EditOptions) => edit(context, project, changes, options)));

  return program;
}
