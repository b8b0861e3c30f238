import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { runMain } from '../src/run-main.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
runMain(async () => {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, maxConnections: 1 });
  try {
    const applied = await migrateToLatest(db as never);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await db.destroy();
  }
});
