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
