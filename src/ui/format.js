/** Display helpers: durations, times and short SHAs as a person reads them. */

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** A <time> element, so the exact instant stays machine-readable next to the local rendering. */
export function timeElement(iso) {
  if (!iso) return document.createTextNode('never');
  const time = document.createElement('time');
  time.dateTime = iso;
  time.textContent = timeFormat.format(new Date(iso));
  return time;
}

export const shortSha = (sha) => (sha ? sha.slice(0, 7) : '—');
