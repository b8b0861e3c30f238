import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** A pack's size beside what of it is still pointed at. */
export interface PackLiveness {
  key: string;
  size: number;
  liveBlobs: number;
  liveBytes: number;
}

/** A blob of a pack being rewritten, at its place in the old pack. */
export interface PackedBlobPlace {
  sha: string;
  size: number;
  offset: number;
}

/** Blob SHAs start with one of these: the sweep goes a sixteenth of the index at a time. */
const SHA_SHARDS = [...'0123456789abcdef'];

/**
 * What garbage collection asks of PostgreSQL. Every removal re-checks, in its own statement,
 * that nothing points at what it removes, so a row a writer added meanwhile is never lost.
 */
export function garbageRepository(db: Db) {
  return {
    /**
     * Deletes the snapshots a project no longer keeps: complete ones past the newest `keep`
     * (never the current one), and unfinished ones older than `cutoff` that an import abandoned
     * before the current snapshot was made. Their manifest rows go with them.
     */
    async pruneSnapshots(keep: number, cutoff: Date): Promise<number> {
      const result = await sql`
        delete from snapshots s
        using (
          select s.id
          from snapshots s
          join projects p on p.id = s.project_id
          left join snapshots cur on cur.id = p.current_snapshot_id
          where s.id is distinct from p.current_snapshot_id
            and (
              (s.complete and ${keep} > 0 and s.id not in (
                select k.id from snapshots k where k.project_id = s.project_id and k.complete
                order by (k.id = p.current_snapshot_id) desc, k.created_at desc limit ${keep}))
              or (not s.complete and s.created_at < ${cutoff} and cur.created_at is not null and s.created_at < cur.created_at)
            )
        ) doomed
        where s.id = doomed.id`.execute(db);
      return Number(result.numAffectedRows ?? 0n);
    },

    /**
     * Removes the index rows of blobs no snapshot and no outbound change refers to and no writer
     * touched since `cutoff`; resolves how many were removed. Their bytes (own objects, places in
     * packs) become garbage for the steps after.
     */
    async sweepUnreferencedBlobs(cutoff: Date): Promise<number> {
      let removed = 0;
      for (const shard of SHA_SHARDS) {
        const result = await sql`
          delete from blobs b
          where b.sha like ${`${shard}%`}
            and b.touched_at < ${cutoff}
            and not exists (select 1 from snapshot_files f where f.sha = b.sha)
            and not exists (select 1 from outbound_changes o where o.blob_sha = b.sha)`.execute(db);
        removed += Number(result.numAffectedRows ?? 0n);
      }
      return removed;
    },

    /** Live packs written before `cutoff`, with how much of each is still pointed at. */
    async packLiveness(cutoff: Date): Promise<PackLiveness[]> {
      const rows = await sql<{ key: string; size: string; live_blobs: string; live_bytes: string }>`
        select p.key, p.size, count(b.sha) as live_blobs, coalesce(sum(b.size), 0) as live_bytes
        from blob_packs p left join blobs b on b.pack_key = p.key
        where p.retired_at is null and p.created_at < ${cutoff}
        group by p.key, p.size
        order by p.key`.execute(db);
      return rows.rows.map((row) => ({ key: row.key, size: Number(row.size), liveBlobs: Number(row.live_blobs), liveBytes: Number(row.live_bytes) }));
    },

    /** The blobs still pointing into a pack, in pack order. */
    async blobsInPack(key: string): Promise<PackedBlobPlace[]> {
      const rows = await db.selectFrom('blobs').select(['sha', 'size', 'pack_offset']).where('pack_key', '=', key).orderBy('pack_offset').execute();
      return rows.map((row) => ({ sha: row.sha, size: Number(row.size), offset: Number(row.pack_offset) }));
    },

    /** Retires a pack nothing points into any more; resolves whether it was retired. */
    async retireIfEmpty(key: string): Promise<boolean> {
      const result = await sql`
        update blob_packs set retired_at = now()
        where key = ${key} and retired_at is null
          and not exists (select 1 from blobs where pack_key = ${key})`.execute(db);
      return Number(result.numAffectedRows ?? 0n) > 0;
    },

    /**
     * Records a rewritten pack and moves its blobs into it, in one transaction: only blobs still
     * in the old pack move (one removed or placed elsewhere meanwhile stays as it is). The old
     * pack is retired once nothing points into it.
     */
    async recordRepack(oldKey: string, pack: { key: string; size: number; blobs: PackedBlobPlace[] }): Promise<number> {
      return db.transaction().execute(async (trx) => {
        await trx.insertInto('blob_packs').values({ key: pack.key, size: pack.size, blob_count: pack.blobs.length }).execute();
        let moved = 0;
        for (let start = 0; start < pack.blobs.length; start += 5000) {
          const batch = pack.blobs.slice(start, start + 5000);
          const values = sql.join(batch.map((blob) => sql`(${blob.sha}::text, ${blob.offset}::bigint)`));
          const result = await sql`
            update blobs set pack_key = ${pack.key}, pack_offset = v.pack_offset
            from (values ${values}) as v(sha, pack_offset)
            where blobs.sha = v.sha and blobs.pack_key = ${oldKey}`.execute(trx);
          moved += Number(result.numAffectedRows ?? 0n);
        }
        await sql`
          update blob_packs set retired_at = now()
          where key = ${oldKey} and retired_at is null
            and not exists (select 1 from blobs where pack_key = ${oldKey})`.execute(trx);
        return moved;
      });
    },

    /** Packs retired before `cutoff`: every reader that located a blob in one has long finished. */
    async retiredPacksBefore(cutoff: Date): Promise<Array<{ key: string; size: number }>> {
      const rows = await db.selectFrom('blob_packs').select(['key', 'size']).where('retired_at', '<', cutoff).orderBy('key').execute();
      return rows.map((row) => ({ key: row.key, size: Number(row.size) }));
    },

    /** Forgets a retired pack; resolves false when a blob points into it after all (kept then). */
    async forgetRetiredPack(key: string): Promise<boolean> {
      const result = await sql`
        delete from blob_packs
        where key = ${key} and retired_at is not null
          and not exists (select 1 from blobs where pack_key = ${key})`.execute(db);
      return Number(result.numAffectedRows ?? 0n) > 0;
    },

    /** Which of `shas` the index holds (stored or found missing). */
    async indexedShas(shas: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (let start = 0; start < shas.length; start += 5000) {
        const rows = await db.selectFrom('blobs').select('sha').where('sha', 'in', shas.slice(start, start + 5000)).execute();
        for (const row of rows) found.add(row.sha);
      }
      return found;
    },

    /** Which of `keys` are recorded packs (live or retired). */
    async recordedPacks(keys: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (let start = 0; start < keys.length; start += 5000) {
        const rows = await db.selectFrom('blob_packs').select('key').where('key', 'in', keys.slice(start, start + 5000)).execute();
        for (const row of rows) found.add(row.key);
      }
      return found;
    },

    /**
     * Runs `work` only while no other collector runs, holding the lease and renewing it meanwhile;
     * resolves undefined without running it when another collector holds an unexpired lease.
     */
    async exclusively<T>(work: () => Promise<T>): Promise<T | undefined> {
      const holder = randomUUID();
      const take = () => sql<{ holder: string }>`
        insert into garbage_collector_lease (id, holder, expires_at)
        values (1, ${holder}, now() + make_interval(secs => ${LEASE_SECONDS}))
        on conflict (id) do update set holder = excluded.holder, expires_at = excluded.expires_at
        where garbage_collector_lease.holder = ${holder} or garbage_collector_lease.expires_at < now()
        returning holder`.execute(db);
      if ((await take()).rows.length === 0) return undefined;
      // Renewals go on while the work runs; one that fails is retried at the next tick.
      const renewal = setInterval(() => void take().catch(() => {}), (LEASE_SECONDS * 1000) / 4);
      try {
        return await work();
      } finally {
        clearInterval(renewal);
        await db.deleteFrom('garbage_collector_lease').where('holder', '=', holder).execute();
      }
    },
  };
}

/** How long a collector's lease lasts unless renewed: a collector that died frees it this soon. */
const LEASE_SECONDS = 300;
