/**
 * PostgreSQL stores no NUL character in text or jsonb. Provider payloads that reach the store
 * without the HTTP parser (pollers, imports) are cleaned here: every string, keys included.
 */
export function stripNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\0') ? value.replaceAll('\0', '') : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => stripNul(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [stripNul(k), stripNul(v as unknown)])) as T;
  }
  return value;
}
