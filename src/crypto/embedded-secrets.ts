import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads a secret kept in a file under DATA_DIR, creating it (mode 0600) on first use, so the
 * embedded mode needs no configuration and keeps working across restarts.
 */
export async function readOrCreateSecretFile(dataDir: string, name: string, create: () => string): Promise<string> {
  const file = path.join(dataDir, name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const value = create();
  // 'wx' fails if another process created it meanwhile: then theirs wins.
  try {
    await writeFile(file, value + '\n', { mode: 0o600, flag: 'wx' });
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}

export async function embeddedEncryptionKey(dataDir: string): Promise<Buffer> {
  const hex = await readOrCreateSecretFile(dataDir, 'encryption.key', () => randomBytes(32).toString('hex'));
  return Buffer.from(hex, 'hex');
}
