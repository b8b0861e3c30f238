import type { SyncStatus } from '@reposync/client';
import { writeLine, type CliIo } from '../cli-io.js';
import { formatBytes } from '../format.js';
import type { SyncDisplay } from './sync-display.js';

/** One plain line each time the sync enters a phase, for logs and pipes. */
export function phaseLinesDisplay(io: CliIo): SyncDisplay {
  let lastPhase: string | null | undefined;
  return {
    progress(status: SyncStatus) {
      if (status.phase === lastPhase) return;
      lastPhase = status.phase;
      const progress = status.progress;
      const counts = progress ? `: ${progress.filesDone}/${progress.filesTotal} files, ${formatBytes(progress.bytesDone)}` : '';
      writeLine(io.stdout, `${status.phase ?? status.status}${counts}`);
    },
    stop() {},
  };
}
