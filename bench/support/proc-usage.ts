import { readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) and resident memory of a process, read from /proc; null once it is gone. */
export function procUsage(pid: number): { cpuSeconds: number; rssBytes: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(f[11]);
    const stime = Number(f[12]);
    const rssPages = Number(f[21]);
    return { cpuSeconds: (utime + stime) / TICKS, rssBytes: rssPages * 4096 };
  } catch {
    return null;
  }
}
