import { loadConfig } from '../src/config.js';
import { rotateEncryptionKey } from '../src/crypto/rotate-encryption-key.js';
import { runMain } from '../src/run-main.js';
import { openServices } from '../src/services.js';

/**
 * `npm run rotate-encryption-key`: seals every stored secret again with REPOSYNC_ENCRYPTION_KEY,
 * opening those sealed with an older key through REPOSYNC_PREVIOUS_ENCRYPTION_KEYS. Afterwards
 * the previous keys can be removed from the configuration.
 */
runMain(async () => {
  const config = loadConfig();
  const services = await openServices(config, { migrate: false });
  try {
    const report = await rotateEncryptionKey(services.db, services.secrets);
    process.stdout.write(`resealed ${report.resealed}, already current ${report.current}, changed meanwhile ${report.changedMeanwhile}\n`);
  } finally {
    await services.close();
  }
});
