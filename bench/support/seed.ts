import { Core, systemActor } from '@earshot/core';
import type { MetaFakeServer, XFakeServer } from '../../packages/core/src/channels/index';
import type { DbHandle } from '@earshot/db';

export const BENCH_SECRET_KEY = 'bench-secret-key-0123456789abcdef-0123456789';

export interface BenchBrand {
  brandId: string;
  token: string;
  api: { channelId: string; secret: string };
  x: { channelId: string };
  facebook: { channelId: string };
}

/** A brand with an admin, a read token for the event stream, and one API, X and Facebook channel each. */
export async function seedBenchBrand(handle: DbHandle, x: XFakeServer, meta: MetaFakeServer): Promise<BenchBrand> {
  const core = await Core.create({ handle, secretKey: BENCH_SECRET_KEY });
  try {
    const { brand } = await core.admin.ensureBrand({ slug: 'storm', name: 'Storm Air', timezone: 'Europe/Berlin' });
    const actor = systemActor(brand.id, 'bench');
    const admin = await core.admin.upsertUser(actor, { email: 'admin@storm.test', name: 'Admin', password: 'bench password 123', role: 'admin' });
    const token = await core.auth.createToken({ ...actor, userId: admin.id }, { name: 'bench', scopes: ['conversation:read'] });
    const api = await core.channels.create(actor, { kind: 'api', name: 'API' });
    const xc = await core.channels.create(actor, { kind: 'x', name: 'X', credentials: { ...x.credentials }, settings: { apiBaseUrl: x.url, userId: x.brand.id } });
    const fb = await core.channels.create(actor, { kind: 'facebook', name: 'Facebook', credentials: { ...meta.credentials }, settings: { apiBaseUrl: meta.url } });
    return { brandId: brand.id, token: token.token, api: { channelId: api.channel.id, secret: api.secret ?? '' }, x: { channelId: xc.channel.id }, facebook: { channelId: fb.channel.id } };
  } finally {
    await core.bus.close();
  }
}
