/** A bad command line: bench/index.ts prints its message alone (no stack) and exits 2. */
export class UsageError extends Error {}

/** `--name value` / `--flag` parsing for benchmarks (no dependency; benches take a handful of options). */
export function parseArgs(argv: string[], defaults: Record<string, string | boolean>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) continue;
    const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) out[k] = inline;
    else if (typeof defaults[k] === 'boolean') out[k] = true;
    else if (next !== undefined && !next.startsWith('--')) { out[k] = next; i++; } else out[k] = true;
  }
  return out;
}

export function num(v: string | boolean | undefined, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Refuses flags a bench does not know, and value flags given without a value (`--history` at the
 * end of the line would otherwise read as `true`). Call with the bench's defaults.
 */
export function assertKnownFlags(argv: string[], defaults: Record<string, string | boolean>, parsed: Record<string, string | boolean>): void {
  for (const a of argv) {
    if (!a.startsWith('--')) continue;
    const k = a.slice(2).split('=', 1)[0] ?? '';
    if (!(k in defaults)) throw new UsageError(`unknown flag --${k} (known: ${Object.keys(defaults).map((d) => `--${d}`).join(', ')})`);
    if (typeof defaults[k] !== 'boolean' && parsed[k] === true) throw new UsageError(`--${k} needs a value`);
  }
}

/** A number flag within [min, max] (an integer when `integer`), or a clear error naming the flag. */
export function numFlag(v: string | boolean | undefined, name: string, o: { min: number; max: number; integer?: boolean }): number {
  const s = typeof v === 'string' ? v.trim() : '';
  const n = s === '' ? Number.NaN : Number(s);
  const what = o.integer ? (o.min >= 0 ? 'a non-negative integer' : 'an integer') : 'a number';
  if (!Number.isFinite(n) || (o.integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be ${what} (got ${JSON.stringify(v)})`);
  if (n < o.min || n > o.max) throw new UsageError(`--${name} must be ${what} between ${o.min} and ${o.max} (got ${s})`);
  return n;
}
