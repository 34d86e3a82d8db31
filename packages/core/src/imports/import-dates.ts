/**
 * A time from an archive → ISO 8601 (UTC), or null when it cannot be read. Accepts ISO 8601 / RFC 3339,
 * "2015-02-24 11:35:52 -0800" (the Kaggle airline layout), Twitter's "Tue Oct 31 22:10:47 +0000 2017",
 * RFC 2822, and Unix epochs (10 digits: seconds, 13 digits: milliseconds). A time without an offset is UTC.
 */
export function parseArchiveDate(value: unknown): string | null {
  if (typeof value === 'number') return epoch(value < 1e11 ? value * 1000 : value);
  if (typeof value !== 'string') return null;
  const s = value.trim();
  // V8 reads almost anything as a date ("1" is 2001): a time must at least carry a four-digit year.
  if (s.length < 8 || !/\d{4}/.test(s)) return null;
  if (/^\d{10}(\.\d+)?$/.test(s)) return epoch(Number(s) * 1000);
  if (/^\d{13}$/.test(s)) return epoch(Number(s));
  // Without an offset, Date reads the server's local time; an archive means one moment for everyone.
  const naive = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(s);
  const d = new Date(naive ? `${naive[1]}T${naive[2]}Z` : s);
  if (Number.isNaN(d.getTime())) return null;
  const year = d.getUTCFullYear();
  return year >= 1970 && year < 10_000 ? d.toISOString() : null;
}

function epoch(ms: number): string | null {
  const d = new Date(ms);
  return Number.isFinite(ms) && !Number.isNaN(d.getTime()) && ms >= 0 ? d.toISOString() : null;
}
