import type { Config } from './config.js';
import { apiKeysRepository } from './db/repositories/api-keys.js';
import { generateApiKey } from './crypto/api-key.js';
import { embeddedEncryptionKey, readOrCreateSecretFile } from './crypto/embedded-secrets.js';
import { createSecretBox, type SecretBox } from './crypto/secret-box.js';
import { openDatabase, type Db } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import type { BlobStore } from './storage/blob-store.js';
import { createBlobStore } from './storage/index.js';
import { createIndexedBlobStore } from './storage/indexed-blob-store.js';

export interface Services {
  db: Db;
  blobs: BlobStore;
  secrets: SecretBox;
  close(): Promise<void>;
}

/**
 * Opens what both API and worker need. In embedded mode (no DATABASE_URL) the database is
 * migrated here and the encryption key is generated once under DATA_DIR; in production the key
 * must be configured and migrations run with `npm run migrate`.
 */
export async function openServices(config: Config, { migrate = config.databaseUrl === undefined }: { migrate?: boolean } = {}): Promise<Services> {
  const key = config.encryptionKey ?? (config.databaseUrl === undefined ? await embeddedEncryptionKey(config.dataDir) : undefined);
  if (!key) throw new Error('REPOSYNC_ENCRYPTION_KEY is required when DATABASE_URL is set (production mode)');
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  if (migrate) await migrateToLatest(db as never);
  // Reads go through the pack index in PostgreSQL: a packed blob is a range of its pack.
  const blobs = createIndexedBlobStore(db, createBlobStore(config));
  return {
    db,
    blobs,
    secrets: createSecretBox(key, config.previousEncryptionKeys),
    async close() {
      await blobs.close();
      await db.destroy();
    },
  };
}

/**
 * The admin API key: REPOSYNC_BOOTSTRAP_API_KEY when set; in embedded mode one generated on
 * first start and kept under DATA_DIR (mode 0600) so the printed key keeps working.
 */
export async function ensureAdminApiKey(config: Config, db: Db): Promise<string | undefined> {
  const key =
    config.bootstrapApiKey ?? (config.databaseUrl === undefined ? await readOrCreateSecretFile(config.dataDir, 'admin-api-key', generateApiKey) : undefined);
  if (key) await apiKeysRepository(db).ensureBootstrapKey(key);
  return key;
}
