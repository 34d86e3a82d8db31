/**
 * Where a visitor's message stream stopped, sent as each SSE event's id (so a reconnect's Last-Event-ID
 * brings it back): the database time of that batch, and the replies still waiting for delivery then.
 * Anything that became visible later was created after `at` (give or take the overlap for slow commits)
 * or is one of `pending`: a reply created long ago and delivered late (a paused channel) is not missed.
 */
export interface StreamCursor {
  at: string;
  pending: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_PENDING = 50;

export function encodeStreamCursor(c: StreamCursor): string {
  return `${c.at}|${c.pending.slice(0, MAX_PENDING).join(',')}`;
}

/** A cursor from a client: null when it is not one of ours (the stream then starts from the history). */
export function parseStreamCursor(value: string | undefined | null): StreamCursor | null {
  if (!value || value.length > 2 + 30 + MAX_PENDING * 37) return null;
  const [at, ids, extra] = value.split('|');
  if (at === undefined || ids === undefined || extra !== undefined) return null;
  const time = Date.parse(at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(time)) return null;
  const pending = ids === '' ? [] : ids.split(',');
  if (pending.length > MAX_PENDING || !pending.every((id) => UUID.test(id))) return null;
  return { at: new Date(time).toISOString(), pending };
}
