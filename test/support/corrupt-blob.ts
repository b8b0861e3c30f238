import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ApiHarness } from './api-harness.js';

/**
 * Replaces a stored blob's bytes with others, behind the blob store's back (as bit rot or a bad
 * copy would): its own object, or its range of the pack it lives in (same length, other bytes).
 */
export async function corruptStoredBlob(h: Pick<ApiHarness, 'db' | 's3'>, sha: string, bytes: string): Promise<void> {
  const client = new S3Client({ region: h.s3.region, endpoint: h.s3.endpoint!, forcePathStyle: true, credentials: { accessKeyId: h.s3.accessKeyId!, secretAccessKey: h.s3.secretAccessKey! } });
  try {
    const place = await h.db.selectFrom('blobs').select(['pack_key', 'pack_offset', 'size']).where('sha', '=', sha).executeTakeFirst();
    if (place?.pack_key && place.pack_offset !== null) {
      const Key = `packs/${place.pack_key}`;
      const pack = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key }))).Body!.transformToByteArray());
      pack.fill('?', place.pack_offset, place.pack_offset + place.size);
      await client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key, Body: pack }));
    } else {
      await client.send(new PutObjectCommand({ Bucket: h.s3.bucket, Key: `blobs/${sha}`, Body: bytes }));
    }
  } finally {
    client.destroy();
  }
}
