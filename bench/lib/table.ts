/** Prints rows as a plain, aligned text table (numbers right-aligned). */
export function formatTable(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const numeric = headers.map((_, column) => rows.every((row) => typeof row[column] === 'number' || /^[\d.,+\-−~ /→()%]*$/.test(String(row[column]))));
  const line = (row: string[]) => row.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const MiB = 1024 * 1024;
export const mib = (bytes: number) => (bytes / MiB).toFixed(1);
export const seconds = (ms: number) => (ms / 1000).toFixed(2);
export const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms).toLocaleString('en-US') : '-');
export const mibPerSecond = (bytes: number, ms: number) => (ms > 0 ? ((bytes / MiB) * 1000 / ms).toFixed(1) : '-');
