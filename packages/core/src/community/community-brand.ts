import { EarshotError } from '@earshot/domain';
import type { DB, Kysely } from '@earshot/db';
import { communitySettings, type CommunitySettings } from './community.settings';

/** A brand's community as its public pages see it: the brand and its active community channel. */
export interface CommunityBrand { id: string; slug: string; name: string; channelId: string; settings: CommunitySettings }

// A brand slug (0001: ^[a-z0-9][a-z0-9-]{1,62}$).
const BRAND_SLUG_RE = /^[a-z0-9][a-z0-9-]{1,62}$/;

export const communityNotFound = (field = 'params.brand') => new EarshotError('EARSHOT_NOT_FOUND', 'community not found', { field });

/** The community of a brand slug: unknown brands, brands without a community and paused communities all look the same. */
export async function loadCommunityBrand(db: Kysely<DB>, slug: string): Promise<CommunityBrand> {
  const s = slug.toLowerCase();
  if (!BRAND_SLUG_RE.test(s)) throw communityNotFound();
  const r = await db.selectFrom('brands as b').innerJoin('channels as c', (j) => j.onRef('c.brand_id', '=', 'b.id').on('c.kind', '=', 'community'))
    .select(['b.id', 'b.slug', 'b.name', 'c.id as channel_id', 'c.settings', 'c.status']).where('b.slug', '=', s).executeTakeFirst();
  if (!r || r.status !== 'active') throw communityNotFound();
  return { id: r.id, slug: r.slug, name: r.name, channelId: r.channel_id, settings: communitySettings(r.settings as Record<string, unknown>) };
}

/** The community channel of a brand (for the desk), or not found. */
export async function loadCommunityOfBrand(db: Kysely<DB>, brandId: string): Promise<CommunityBrand> {
  const r = await db.selectFrom('brands as b').innerJoin('channels as c', (j) => j.onRef('c.brand_id', '=', 'b.id').on('c.kind', '=', 'community'))
    .select(['b.id', 'b.slug', 'b.name', 'c.id as channel_id', 'c.settings']).where('b.id', '=', brandId).executeTakeFirst();
  if (!r) throw new EarshotError('EARSHOT_NOT_FOUND', 'this brand has no community channel', { field: 'brand' });
  return { id: r.id, slug: r.slug, name: r.name, channelId: r.channel_id, settings: communitySettings(r.settings as Record<string, unknown>) };
}

export const communityPath = (brandSlug: string, rest = '') => `/community/${encodeURIComponent(brandSlug)}${rest}`;
export const questionPath = (brandSlug: string, id: string) => communityPath(brandSlug, `/questions/${id}`);
