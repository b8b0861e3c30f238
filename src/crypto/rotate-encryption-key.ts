import type { Db } from '../db/connection.js';
import { sealedSecretsRepository } from '../db/repositories/sealed-secrets.js';
import type { SecretBox } from './secret-box.js';

export interface RotationReport {
  /** Secrets sealed again with the current key. */
  resealed: number;
  /** Secrets already sealed with the current key. */
  current: number;
  /** Secrets that changed while the rotation ran (and so are sealed with the current key). */
  changedMeanwhile: number;
}

const PAGE = 500;

/**
 * Seals every stored secret again with the current key, page by page. Safe to run while the
 * API and workers serve (each secret is swapped only if unchanged) and safe to run again: the
 * second run finds every secret current. A secret no configured key opens stops the run with
 * the error naming the missing key, before anything else is written for it.
 */
export async function rotateEncryptionKey(db: Db, secrets: SecretBox): Promise<RotationReport> {
  const repository = sealedSecretsRepository(db);
  const report: RotationReport = { resealed: 0, current: 0, changedMeanwhile: 0 };
  let afterId: string | undefined;
  for (;;) {
    const { rows, lastId } = await repository.page(afterId, PAGE);
    for (const row of rows) {
      if (secrets.isSealedWithCurrentKey(row.sealed)) {
        report.current += 1;
        continue;
      }
      const swapped = await repository.replace(row, secrets.seal(secrets.open(row.sealed)));
      if (swapped) report.resealed += 1;
      else report.changedMeanwhile += 1;
    }
    if (lastId === undefined) return report;
    afterId = lastId;
  }
}
