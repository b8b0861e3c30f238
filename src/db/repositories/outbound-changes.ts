import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { OutboundChangesTable } from '../schema/index.js';

export type OutboundChange = Selectable<OutboundChangesTable>;
export type NewOutboundChange = Insertable<OutboundChangesTable>;

/** The recorded changes of outbound operations, and the bookkeeping OutboundSync does on them. */
export function outboundChangesRepository(db: Db) {
  return {
    async add(rows: NewOutboundChange[]): Promise<void> {
      // Postgres allows 65,535 bind parameters per statement; 11 columns a row.
      for (let start = 0; start < rows.length; start += 2000) {
        await db.insertInto('outbound_changes').values(rows.slice(start, start + 2000)).execute();
      }
    },

    list(operationId: string): Promise<OutboundChange[]> {
      return db.selectFrom('outbound_changes').selectAll().where('operation_id', '=', operationId).orderBy('position').execute();
    },

    /** Merges keys into an operation's metadata (what an attempt learned, for the next one and for users). */
    async mergeMetadata(operationId: string, values: Record<string, unknown>): Promise<void> {
      await db
        .updateTable('sync_operations')
        .set({ metadata: sql`metadata || ${JSON.stringify(values)}::jsonb` })
        .where('id', '=', operationId)
        .execute();
    },
  };
}
