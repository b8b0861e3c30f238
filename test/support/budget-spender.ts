/**
 * A process that spends one credential's GitHub budget as a worker would: through the clients
 * the worker builds, on the shared database's ledger. It sends `count` requests, `parallel` at a
 * time, and stops when the budget says to wait. Prints one JSON line: what it sent and why it stopped.
 *
 * Arguments: <database url> <GitHub API url> <token> <owner/repo> <count> <parallel> <priority>
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { openDatabase } from '../../src/db/connection.js';
import { credentialBudgetsRepository } from '../../src/db/repositories/credential-budgets.js';
import { createGitHubClients } from '../../src/github/project-client.js';
import { CredentialBudgetWait, type RequestPriority } from '../../src/github/request-budget.js';

const [databaseUrl, apiUrl, token, fullName, count, parallel, priority] = process.argv.slice(2) as [string, string, string, string, string, string, RequestPriority];
const [owner, repo] = fullName.split('/') as [string, string];
const config = loadConfig({ DATABASE_URL: databaseUrl, GITHUB_API_URL: apiUrl, GITHUB_MAX_IN_FLIGHT: process.env.GITHUB_MAX_IN_FLIGHT ?? '10', REPOSYNC_ENCRYPTION_KEY: randomBytes(32).toString('hex') });
const secrets = createSecretBox(config.encryptionKey!);
const db = await openDatabase({ url: databaseUrl, maxConnections: 4 });
const github = createGitHubClients({ config: config.github, secrets, ledger: credentialBudgetsRepository(db) });
const { octokit } = await github({ auth_kind: 'token', installation_id: null, token_ciphertext: secrets.seal(token) }, { priority });

let sent = 0;
let next = 0;
let stopped: string | null = null;
let failure: string | null = null;
async function lane(): Promise<void> {
  while (next < Number(count) && stopped === null && failure === null) {
    next += 1;
    try {
      await octokit.rest.repos.get({ owner, repo });
      sent += 1;
    } catch (error) {
      if (error instanceof CredentialBudgetWait) stopped = error.message;
      else failure = (error as Error).message;
    }
  }
}
await Promise.all(Array.from({ length: Number(parallel) }, lane));
await db.destroy();
process.stdout.write(`${JSON.stringify({ sent, stopped, failure })}\n`);
