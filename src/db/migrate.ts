import { Migrator, type Kysely } from 'kysely';
import { migrationProvider } from '../../migrations/index.js';

/** Applies every pending migration; throws the migrator's own error when one fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error;
  const failed = results.find((result) => result.status === 'Error');
  if (failed) throw new Error(`migration ${failed.migrationName} failed`);
  return results.map((result) => result.migrationName);
}
