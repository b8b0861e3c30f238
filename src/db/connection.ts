import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema/index.js';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  /** A postgres:// URL; absent selects embedded PGlite under `dataDir`. */
  url?: string | undefined;
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

// Sizes and GitHub ids are bigint columns; every value we store fits in a double exactly.
const parseInt8 = (value: string) => Number(value);

/** Opens the database: PostgreSQL through `pg` when a URL is given, embedded PGlite otherwise. */
export async function openDatabase(options: DatabaseOptions): Promise<Db> {
  const { url, dataDir = './data', maxConnections = 10 } = options;
  if (url) {
    const pool = new pg.Pool({
      connectionString: url,
      max: maxConnections,
      types: { getTypeParser: (oid, format) => (oid === 20 ? parseInt8 : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
    });
    // An idle client that loses its server emits 'error'; without a listener that kills the process.
    pool.on('error', () => {});
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const directory = path.join(dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  const pglite = await PGlite.create(directory, { parsers: { [pgliteTypes.INT8]: parseInt8 } });
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}

/** Answers once the database runs a query: the readiness check, which reports the error otherwise. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
