import { cpus, loadavg, totalmem } from 'node:os';

/** Nearest-rank percentile of an unsorted sample (copied and sorted here). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}

export const round = (n: number, d = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

/** One line naming the machine, as every benchmark prints with its numbers. */
export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, node ${process.version}, ${process.platform}`;
}

/** The 1-minute load average: a benchmark on a shared machine says how busy it was. */
export function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
