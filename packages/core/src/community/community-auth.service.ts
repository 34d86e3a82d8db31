import { randomUUID } from 'node:crypto';
import { EarshotError } from '@earshot/domain';
import type { DB, Kysely } from '@earshot/db';
import type { Clock } from '../shared/clock';
import { randomToken, safeEqual, sha256Hex } from '../shared/crypto';
import { transact } from '../shared/unit-of-work';
import { communityPath, loadCommunityBrand, type CommunityBrand } from './community-brand';
import type { CommunityMailer } from './community.mailer';

/** A signed-in member, as every write needs them (the session is bound to one brand). */
export interface CommunityMember { id: string; brandId: string; displayName: string; email: string; csrfToken: string; trusted: boolean; banned: boolean }

/** A member's session lasts this long; signing in again starts a new one. */
export const MEMBER_SESSION_MS = 30 * 24 * 3600_000;

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const badLink = () => new EarshotError('EARSHOT_UNAUTHENTICATED', 'this sign-in link is not valid: it may have expired or been used already; ask for a new one', { field: 'token' });

/** What the audit trail names as the actor for a member's change (members are not desk users). */
export const memberActor = (brandId: string, memberId: string) => ({ brandId, actorType: 'channel' as const, actorId: `community-member:${memberId}` });

/**
 * Members sign in by an emailed one-time link: the token is 256 random bits, only its sha256 is
 * stored, it works once and for `linkTtlMinutes`. Following the link shows a confirmation page whose
 * button redeems it (a mail scanner that fetches links does not use it up). The session cookie is
 * random too, stored as its sha256, bound to the brand, with its own CSRF token for forms.
 */
export class CommunityAuthService {
  constructor(private readonly db: Kysely<DB>, private readonly clock: Clock, private readonly mailer: CommunityMailer) {}

  /** Sends a sign-in link; answers the same whether the address is a member or not. */
  async requestLink(brandSlug: string, input: { email: string; displayName?: string | undefined }): Promise<{ sent: true }> {
    const brand = await loadCommunityBrand(this.db, brandSlug);
    const email = input.email.trim().toLowerCase();
    const now = this.clock.now();
    if (!brand.settings.publicUrl) throw new EarshotError('EARSHOT_CONFIG', 'the community has no publicUrl setting: sign-in links cannot be addressed');
    const recent = await this.db.selectFrom('community_login_tokens').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('brand_id', '=', brand.id).where('email', '=', email).where('created_at', '>', new Date(now.getTime() - 3600_000)).executeTakeFirstOrThrow();
    if (Number(recent.n) >= brand.settings.linksPerHourPerEmail) throw new EarshotError('EARSHOT_RATE_LIMITED', 'too many sign-in links for this address; try again in an hour', { field: 'email', details: { retryAfterS: 3600 } });
    // This address's old links go (bounded by the index on brand, email, time): the table does not grow with history.
    await this.db.deleteFrom('community_login_tokens').where('brand_id', '=', brand.id).where('email', '=', email).where('expires_at', '<', new Date(now.getTime() - 3600_000)).execute();
    const token = randomToken(32);
    await this.db.insertInto('community_login_tokens').values({
      token_hash: sha256Hex(token), brand_id: brand.id, email, display_name: input.displayName?.trim() || null,
      expires_at: new Date(now.getTime() + brand.settings.linkTtlMinutes * 60_000), created_at: now,
    }).execute();
    const url = `${brand.settings.publicUrl.replace(/\/+$/, '')}${communityPath(brand.slug, '/signin/verify')}?token=${token}`;
    await this.mailer.send(brand.id, brand.settings.emailChannelId, {
      to: email, subject: `Sign in to the ${brand.name} community`, messageId: `<community-signin-${randomUUID()}@earshot>`,
      text: `Open this link to sign in to the ${brand.name} community:\n\n${url}\n\nIt works once and for ${brand.settings.linkTtlMinutes} minutes. If you did not ask for it, ignore this email.\n`,
    });
    return { sent: true };
  }

  /** Checks a link without using it (the confirmation page). */
  async checkLink(brandSlug: string, token: string): Promise<{ brand: CommunityBrand; email: string }> {
    const brand = await loadCommunityBrand(this.db, brandSlug);
    if (!TOKEN_RE.test(token)) throw badLink();
    const row = await this.db.selectFrom('community_login_tokens').select(['email', 'expires_at', 'used_at', 'token_hash'])
      .where('token_hash', '=', sha256Hex(token)).where('brand_id', '=', brand.id).executeTakeFirst();
    if (!row || row.used_at || row.expires_at <= this.clock.now() || !safeEqual(row.token_hash, sha256Hex(token))) throw badLink();
    return { brand, email: row.email };
  }

  /** Redeems a link: marks it used, finds or creates the member, starts a session. The cookie token is returned once. */
  async redeemLink(brandSlug: string, token: string): Promise<{ sessionToken: string; member: CommunityMember; brand: CommunityBrand }> {
    const brand = await loadCommunityBrand(this.db, brandSlug);
    if (!TOKEN_RE.test(token)) throw badLink();
    const now = this.clock.now();
    return transact(this.db, async (uow) => {
      // One statement marks it used: two clicks at once cannot both sign in.
      const used = await uow.tx.updateTable('community_login_tokens').set({ used_at: now })
        .where('token_hash', '=', sha256Hex(token)).where('brand_id', '=', brand.id).where('used_at', 'is', null).where('expires_at', '>', now)
        .returning(['email', 'display_name']).executeTakeFirst();
      if (!used) throw badLink();
      let member = await uow.tx.selectFrom('community_members').selectAll().where('brand_id', '=', brand.id).where('email', '=', used.email).executeTakeFirst();
      if (!member) {
        const name = (used.display_name ?? used.email.split('@')[0] ?? 'member').slice(0, 60) || 'member';
        member = await uow.tx.insertInto('community_members').values({ brand_id: brand.id, email: used.email, display_name: name, created_at: now })
          .returningAll().executeTakeFirstOrThrow();
        uow.record({ ...memberActor(brand.id, member.id), action: 'community_member.joined', subjectType: 'community_member', subjectId: member.id, after: { displayName: member.display_name }, at: now });
      }
      if (member.banned_at) throw new EarshotError('EARSHOT_FORBIDDEN', 'this account is suspended from the community');
      // The member's expired sessions go at each sign-in.
      await uow.tx.deleteFrom('community_sessions').where('brand_id', '=', brand.id).where('member_id', '=', member.id).where('expires_at', '<', now).execute();
      const sessionToken = randomToken(32);
      const csrf = randomToken(24);
      await uow.tx.insertInto('community_sessions').values({ id: sha256Hex(sessionToken), brand_id: brand.id, member_id: member.id, csrf_token: csrf, expires_at: new Date(now.getTime() + MEMBER_SESSION_MS), created_at: now }).execute();
      uow.record({ ...memberActor(brand.id, member.id), action: 'community_member.signed_in', subjectType: 'community_member', subjectId: member.id, at: now });
      return { sessionToken, brand, member: { id: member.id, brandId: brand.id, displayName: member.display_name, email: member.email, csrfToken: csrf, trusted: !!member.trusted_at, banned: false } };
    });
  }

  /** The member behind a session cookie on this brand's pages, or null (unknown, expired, another brand's). */
  async member(brandId: string, sessionToken: string | undefined): Promise<CommunityMember | null> {
    if (!sessionToken || !TOKEN_RE.test(sessionToken)) return null;
    const r = await this.db.selectFrom('community_sessions as s').innerJoin('community_members as m', 'm.id', 's.member_id')
      .select(['m.id', 'm.display_name', 'm.email', 'm.trusted_at', 'm.banned_at', 's.csrf_token', 's.expires_at'])
      .where('s.id', '=', sha256Hex(sessionToken)).where('s.brand_id', '=', brandId).where('m.brand_id', '=', brandId).executeTakeFirst();
    if (!r || r.expires_at <= this.clock.now()) return null;
    return { id: r.id, brandId, displayName: r.display_name, email: r.email, csrfToken: r.csrf_token, trusted: !!r.trusted_at, banned: !!r.banned_at };
  }

  async signOut(brandId: string, sessionToken: string | undefined): Promise<void> {
    if (!sessionToken) return;
    await this.db.deleteFrom('community_sessions').where('id', '=', sha256Hex(sessionToken)).where('brand_id', '=', brandId).execute();
  }

  /** A member changes the name others see. */
  async rename(member: CommunityMember, displayName: string): Promise<void> {
    await transact(this.db, async (uow) => {
      await uow.tx.updateTable('community_members').set({ display_name: displayName }).where('id', '=', member.id).where('brand_id', '=', member.brandId).execute();
      uow.record({ ...memberActor(member.brandId, member.id), action: 'community_member.renamed', subjectType: 'community_member', subjectId: member.id, before: { displayName: member.displayName }, after: { displayName }, at: this.clock.now() });
    });
  }
}
