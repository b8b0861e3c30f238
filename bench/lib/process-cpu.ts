import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times: USER_HZ, 100 on every Linux build that matters. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat; NaN once it
 * is gone or off Linux. Two readings around a run give what the run cost that process, whatever
 * else the machine was doing: a figure that does not move with the load, unlike a latency.
 */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
