import { parse } from 'csv-parse/sync';
import { EarshotError } from '@earshot/domain';

/** One record of an archive, with the line it starts on (CSV, JSON lines) or its index (JSON array). */
export interface ImportRecord {
  line: number;
  values: Record<string, unknown>;
}

/** A record that could not be read or mapped: reported with its line, then skipped. */
export interface RowError {
  line: number;
  message: string;
}

export interface ParsedRecords {
  /** Every column (CSV) or every field path seen in any record (JSON), for checking a mapping. */
  fields: Set<string>;
  records: ImportRecord[];
  errors: RowError[];
}

interface CsvInfo { lines: number }
interface CsvSkip { message: string; lines?: number }

/**
 * CSV with a header row (RFC 4180 quoting, newlines inside quotes, a BOM). A record that cannot be
 * read (wrong column count, a stray quote) is reported with its line and skipped, not fatal.
 */
export function parseCsvRecords(text: string): ParsedRecords {
  const errors: RowError[] = [];
  let header: string[] = [];
  let rows: { record: Record<string, string>; info: CsvInfo }[];
  try {
    rows = parse(text, {
      bom: true,
      skip_empty_lines: true,
      info: true,
      columns: (h: string[]) => {
        header = h.map((c) => c.trim());
        return header;
      },
      skip_records_with_error: true,
      on_skip: (err: CsvSkip | undefined) => {
        if (err) errors.push({ line: err.lines ?? 0, message: `unreadable CSV record: ${err.message}` });
      },
    }) as { record: Record<string, string>; info: CsvInfo }[];
  } catch (err) {
    throw new EarshotError('EARSHOT_VALIDATION', `not a readable CSV file: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (header.length === 0) throw new EarshotError('EARSHOT_VALIDATION', 'the CSV file is empty: a header row naming the columns is required');
  const dupes = header.filter((c, i) => header.indexOf(c) !== i);
  if (dupes.length) throw new EarshotError('EARSHOT_VALIDATION', `the CSV header names column(s) twice: ${[...new Set(dupes)].join(', ')}`);
  return { fields: new Set(header), records: rows.map((r) => ({ line: r.info.lines, values: r.record })), errors };
}

/**
 * A JSON array of objects, or JSON lines (one object per line). A line that is not JSON, or an entry
 * that is not an object, is reported and skipped; a JSON array that does not parse is refused whole.
 */
export function parseJsonRecords(text: string): ParsedRecords {
  const body = text.replace(/^\uFEFF/, '');
  const errors: RowError[] = [];
  const records: ImportRecord[] = [];
  const add = (line: number, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) records.push({ line, values: value as Record<string, unknown> });
    else errors.push({ line, message: 'not a JSON object' });
  };
  if (body.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      throw new EarshotError('EARSHOT_VALIDATION', `not a readable JSON array: ${err instanceof Error ? err.message : String(err)}`);
    }
    // A JSON array has no useful line numbers: entries are numbered from 1.
    (parsed as unknown[]).forEach((v, i) => add(i + 1, v));
  } else {
    body.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      try {
        add(i + 1, JSON.parse(line));
      } catch {
        errors.push({ line: i + 1, message: 'not valid JSON' });
      }
    });
  }
  const fields = new Set<string>();
  for (const r of records) collectPaths(r.values, '', fields, 0);
  return { fields, records, errors };
}

function collectPaths(value: Record<string, unknown>, prefix: string, into: Set<string>, depth: number): void {
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    into.add(path);
    if (depth < 4 && typeof v === 'object' && v !== null && !Array.isArray(v)) collectPaths(v as Record<string, unknown>, path, into, depth + 1);
  }
}

/** The value at a column name, or at a dotted path into nested JSON objects ("user.screen_name"). */
export function valueAt(values: Record<string, unknown>, path: string): unknown {
  if (path in values) return values[path];
  let cur: unknown = values;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
