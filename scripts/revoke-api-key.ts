import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { apiKeysRepository } from '../src/db/repositories/api-keys.js';
import { runMain } from '../src/run-main.js';

/**
 * `npm run revoke-api-key -- <prefix>`: revokes the live API key whose listed prefix (`rsk_` and
 * six more characters) is given. Used to retire an old REPOSYNC_BOOTSTRAP_API_KEY once every
 * process runs with the new one.
 */
runMain(async () => {
  const prefix = process.argv[2];
  if (!prefix || process.argv.length > 3) throw new Error('usage: npm run revoke-api-key -- <key prefix, e.g. rsk_AbC123>');
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, maxConnections: 1 });
  try {
    const revoked = await apiKeysRepository(db).revokeByPrefix(prefix);
    process.stdout.write(`revoked ${prefix} ("${revoked.name}", tenant "${revoked.tenantName}")\n`);
  } finally {
    await db.destroy();
  }
});
