import { sql } from 'kysely';
import { openDatabase } from '../../../src/db/connection.js';

/** PostgreSQL opens its port before it accepts queries ("the database system is starting up"). */
export async function acceptsQueries(url: string, timeoutMs = 30_000): Promise<void> {
  const db = await openDatabase({ url, maxConnections: 1 });
  try {
    for (const deadline = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const ready = await sql`select 1`.execute(db).then(() => true, (error: Error) => {
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept queries within ${timeoutMs} ms`, { cause: error });
        return false;
      });
      if (ready) return;
    }
  } finally {
    await db.destroy();
  }
}
