import type { ImportStack } from './import-stack.js';
import { percentiles } from './percentiles.js';

/** Milliseconds per API file read, p50 and p99, by where the file's bytes are and whether it was read before. */
export interface ReadFigures {
  files: number;
  packedCold: [number, number];
  packedWarm: [number, number];
  ownCold: [number, number];
  ownWarm: [number, number];
}

/**
 * Reads `count` packed files of the project's snapshot through the API (GET /files/<path>, via
 * inject: no network), each twice (cold: not in the API's cache; warm: read just before). Then the
 * same files are stored as objects of their own and unpacked in the index, and read twice again,
 * so both layouts are timed on the very same bytes. Undefined when no file is packed.
 */
export async function measureFileReads(stack: ImportStack, projectId: string, count = 300): Promise<ReadFigures | undefined> {
  const { app, auth, db, blobs } = stack;
  const files = await db
    .selectFrom('snapshot_files')
    .innerJoin('projects', 'projects.current_snapshot_id', 'snapshot_files.snapshot_id')
    .innerJoin('blobs', 'blobs.sha', 'snapshot_files.sha')
    .select(['snapshot_files.path', 'snapshot_files.sha', 'snapshot_files.size'])
    .where('projects.id', '=', projectId)
    .where('blobs.pack_key', 'is not', null)
    .orderBy('snapshot_files.sha')
    .limit(count)
    .execute();
  if (files.length === 0) return undefined;

  async function timeReads(): Promise<[number, number]> {
    const times: number[] = [];
    for (const file of files) {
      const started = performance.now();
      const response = await app.inject({ method: 'GET', url: `/api/projects/${projectId}/files/${file.path.split('/').map(encodeURIComponent).join('/')}`, headers: auth });
      times.push(performance.now() - started);
      if (response.statusCode !== 200 || response.rawPayload.length !== file.size) throw new Error(`reading ${file.path} answered ${response.statusCode}, ${response.rawPayload.length} bytes`);
    }
    const [p50, p99] = percentiles(times, [50, 99]);
    return [p50!, p99!];
  }

  const packedCold = await timeReads();
  const packedWarm = await timeReads();
  for (const file of files) {
    const chunks: Buffer[] = [];
    for await (const chunk of (await blobs.get(file.sha)) as AsyncIterable<Buffer>) chunks.push(chunk);
    await blobs.put(file.sha, file.size, Buffer.concat(chunks), { knownAbsent: true });
  }
  await db.updateTable('blobs').set({ pack_key: null, pack_offset: null }).where('sha', 'in', files.map((file) => file.sha)).execute();
  const ownCold = await timeReads();
  const ownWarm = await timeReads();
  return { files: files.length, packedCold, packedWarm, ownCold, ownWarm };
}
