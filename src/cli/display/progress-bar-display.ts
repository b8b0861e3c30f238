import type { SyncStatus } from '@reposync/client';
import { Presets, SingleBar } from 'cli-progress';
import type { CliIo } from '../cli-io.js';
import { formatBytes, formatSeconds } from '../format.js';
import type { SyncDisplay } from './sync-display.js';

// cli-progress fills {eta} itself from its own rate; {remaining} is the API's estimate, from the whole sync.
const FORMAT = '{bar} {percentage}% | {files} files | {bytes} | {rate} | ETA {remaining} | {phase}';

/** A live bar (files, bytes, rate, ETA) drawn by cli-progress, for a terminal. */
export function progressBarDisplay(io: CliIo): SyncDisplay {
  const bar = new SingleBar({ format: FORMAT, stream: io.stdout, barsize: 30, hideCursor: true, clearOnComplete: false, fps: 10 }, Presets.shades_classic);
  let started = false;
  let firstSeen: { at: number; bytes: number } | undefined;
  let totals = { files: '?', bytes: '?' };
  return {
    progress(status) {
      const progress = status.progress;
      if (!progress) return;
      firstSeen ??= { at: Date.now(), bytes: progress.bytesDone };
      const seconds = (Date.now() - firstSeen.at) / 1000;
      const rate = seconds > 0.5 ? `${formatBytes((progress.bytesDone - firstSeen.bytes) / seconds)}/s` : '-';
      const payload = {
        files: `${progress.filesDone}/${progress.filesTotal || '?'}`,
        bytes: `${formatBytes(progress.bytesDone)}/${progress.bytesTotal ? formatBytes(progress.bytesTotal) : '?'}`,
        rate,
        remaining: formatSeconds(progress.etaSeconds),
        phase: status.phase ?? status.status,
      };
      totals = { files: `${progress.filesTotal}/${progress.filesTotal}`, bytes: `${formatBytes(progress.bytesTotal)}/${formatBytes(progress.bytesTotal)}` };
      // The bar counts tenths of a percent, so it moves with the API's own measure of progress.
      const value = Math.round(progress.percent * 10);
      if (!started) {
        bar.start(1000, value, payload);
        started = true;
      } else bar.update(value, payload);
    },
    stop(final?: SyncStatus) {
      if (!started) return;
      if (final?.status === 'synced') bar.update(1000, { files: totals.files, bytes: totals.bytes, remaining: '0s', phase: 'synced' });
      bar.stop();
    },
  };
}
