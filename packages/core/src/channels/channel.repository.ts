import type { Selectable, ChannelsTable } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export type ChannelRow = Selectable<ChannelsTable>;

export async function findChannel(ex: Executor, brandId: string, id: string): Promise<ChannelRow | undefined> {
  return ex.selectFrom('channels').selectAll().where('brand_id', '=', brandId).where('id', '=', id).executeTakeFirst();
}

/** Webhook routes know only the channel id from the URL; the brand comes from the channel row. */
export async function findChannelById(ex: Executor, id: string): Promise<ChannelRow | undefined> {
  return ex.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listChannels(ex: Executor, brandId: string): Promise<ChannelRow[]> {
  return ex.selectFrom('channels').selectAll().where('brand_id', '=', brandId).orderBy('created_at').execute();
}

export async function insertChannel(ex: Executor, row: { brand_id: string; kind: string; name: string; credentials_enc: string | null; settings: Record<string, unknown> }): Promise<ChannelRow> {
  return ex.insertInto('channels').values({ ...row, settings: JSON.stringify(row.settings) }).returningAll().executeTakeFirstOrThrow();
}

/** The channel row locked for an update (an admin's edit waits for a delivery deciding to wait, and the reverse). */
export async function lockChannel(ex: Executor, brandId: string, id: string): Promise<ChannelRow | undefined> {
  return ex.selectFrom('channels').selectAll().where('brand_id', '=', brandId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateChannel(ex: Executor, brandId: string, id: string, set: { name?: string; status?: string; status_detail?: string | null; credentials_enc?: string | null; settings?: string }): Promise<ChannelRow> {
  return ex.updateTable('channels').set(set).where('brand_id', '=', brandId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

