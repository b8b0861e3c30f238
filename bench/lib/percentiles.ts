/** Nearest-rank percentiles of a sample (p in 0..100); NaN for an empty one. */
export function percentiles(values: number[], ps: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return ps.map((p) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!));
}

/** Milliseconds with one decimal below 100 ms, whole above. */
export const ms = (value: number) => (Number.isNaN(value) ? '-' : value < 100 ? value.toFixed(1) : Math.round(value).toString());
