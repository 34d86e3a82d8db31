import { parse } from 'csv-parse/sync';
import type { CanonicalMessage } from '@earshot/domain';
import { EarshotError } from '@earshot/domain';
import { decodeEntities } from '../shared/text';

/** One row of the TWCS (Customer Support on Twitter) CSV, columns unchanged. */
export interface TwcsRow {
  tweet_id: string;
  author_id: string;
  inbound: string;
  created_at: string;
  text: string;
  response_tweet_id: string;
  in_response_to_tweet_id: string;
}

const COLUMNS = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'response_tweet_id', 'in_response_to_tweet_id'] as const;

export function parseTwcsCsv(csv: string): TwcsRow[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Record<string, string>[];
  const first = rows[0];
  if (first) {
    const missing = COLUMNS.filter((c) => !(c in first));
    if (missing.length) throw new EarshotError('EARSHOT_VALIDATION', `not a TWCS file: missing column(s) ${missing.join(', ')}`);
  }
  return rows.filter((r) => r.tweet_id && r.author_id) as unknown as TwcsRow[];
}

/** "Tue Oct 31 22:10:47 +0000 2017" → ISO 8601. */
export function parseTwitterDate(s: string): string {
  const m = /^\w{3} (\w{3}) (\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{4}) (\d{4})$/.exec(s.trim());
  if (!m) {
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) throw new EarshotError('EARSHOT_VALIDATION', `unreadable date "${s}"`);
    return d.toISOString();
  }
  const [, mon, day, time, off, year] = m;
  const months = 'JanFebMarAprMayJunJulAugSepOctNovDec';
  const mm = String(months.indexOf(mon ?? '') / 3 + 1).padStart(2, '0');
  return new Date(`${year}-${mm}-${day}T${time}${off?.slice(0, 3)}:${off?.slice(3)}`).toISOString();
}

export function twcsToCanonical(r: TwcsRow): CanonicalMessage {
  const inbound = r.inbound.trim().toLowerCase() === 'true';
  return {
    providerMessageId: r.tweet_id,
    replyToProviderId: r.in_response_to_tweet_id || null,
    direction: inbound ? 'inbound' : 'outbound',
    visibility: 'public',
    author: { externalId: r.author_id, handle: inbound ? `@${r.author_id}` : `@${r.author_id}`, displayName: inbound ? null : r.author_id },
    text: decodeEntities(r.text),
    sentAt: parseTwitterDate(r.created_at),
  };
}

/** Rows in time order so a reply is processed after the tweet it answers. */
export function sortChronologically(rows: TwcsRow[]): { row: TwcsRow; message: CanonicalMessage }[] {
  return rows.map((row) => ({ row, message: twcsToCanonical(row) }))
    .sort((a, b) => a.message.sentAt.localeCompare(b.message.sentAt) || Number(a.row.tweet_id) - Number(b.row.tweet_id));
}
