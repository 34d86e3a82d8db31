/** Providers mix epoch seconds and milliseconds; anything below 1e12 is taken as seconds. */
export function epochToIso(value: number | string): string {
  const n = typeof value === 'string' ? Number(value) : value;
  const ms = n < 1e12 ? n * 1000 : n;
  return new Date(ms).toISOString();
}
