import { EarshotError, RolePermissions, isPermission, roleCan, type Permission } from '@earshot/domain';
import type { DB, Kysely, Role } from '@earshot/db';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../shared/crypto';
import { transact } from '../shared/unit-of-work';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { findMembership, findUserByEmail, firstMembership, listBrandUsers, type BrandUser } from './user.repository';

export const SESSION_TTL_MS = 12 * 3600_000;
const SESSION_TOUCH_MS = 60_000;

/** A caller who has proven who they are: a session user or an API token. */
export interface Principal extends Actor {
  permissions: ReadonlySet<Permission>;
  csrfToken?: string;
  sessionId?: string;
  /** An operator of the installation (creates brands); never granted by a brand role or a token. */
  operator?: boolean;
}

export interface LoginResult { token: string; csrfToken: string; expiresAt: Date; principal: Principal }

// A fixed hash to compare against when the email is unknown, so both paths cost the same.
let dummyHash: Promise<string> | null = null;

export class AuthService {
  constructor(private readonly db: Kysely<DB>, private readonly clock: Clock) {}

  async login(email: string, password: string, brandSlug?: string): Promise<LoginResult> {
    const user = await findUserByEmail(this.db, email);
    dummyHash ??= hashPassword('not-a-password');
    const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash));
    if (!user || !ok || user.disabled_at) throw new EarshotError('EARSHOT_BAD_CREDENTIALS', 'email or password is wrong');
    let membership = await firstMembership(this.db, user.id);
    if (brandSlug) {
      const brand = await this.db.selectFrom('brands').select('id').where('slug', '=', brandSlug).executeTakeFirst();
      membership = brand ? await findMembership(this.db, brand.id, user.id) : undefined;
    }
    if (!membership) throw new EarshotError('EARSHOT_FORBIDDEN', 'this user has no access to that brand');
    return this.#openSession(user, membership, 'user.logged_in');
  }

  /**
   * Moves a signed-in user to another brand they have a role in: a new session (new cookie token and
   * CSRF token) scoped to that brand replaces the old one, so nothing issued for one brand works in
   * another. A brand the user has no role in, or that does not exist, is the same refusal.
   */
  async switchBrand(current: Principal, brandSlugOrId: string): Promise<LoginResult> {
    if (current.type !== 'user' || !current.userId || !current.sessionId) throw new EarshotError('EARSHOT_FORBIDDEN', 'only a signed-in user can switch brands; an API token belongs to one brand');
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', current.userId).executeTakeFirst();
    if (!user || user.disabled_at) throw new EarshotError('EARSHOT_UNAUTHENTICATED', 'sign in first');
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(brandSlugOrId);
    const brand = await this.db.selectFrom('brands').select('id').where(isUuid ? 'id' : 'slug', '=', brandSlugOrId.toLowerCase()).executeTakeFirst();
    const membership = brand ? await findMembership(this.db, brand.id, user.id) : undefined;
    if (!membership) throw new EarshotError('EARSHOT_FORBIDDEN', 'you have no role in that brand', { field: 'body.brand' });
    const res = await this.#openSession(user, membership, 'user.switched_brand', { fromBrandId: current.brandId });
    await this.db.deleteFrom('sessions').where('id', '=', current.sessionId).execute();
    return res;
  }

  async #openSession(user: { id: string; name: string; operator: boolean }, membership: { brand_id: string; role: Role }, action: string, after?: Record<string, unknown>): Promise<LoginResult> {
    // A new random session id at every login and switch: a session id planted before is never reused (fixation).
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    const principal = await transact(this.db, async (uow) => {
      await uow.tx.insertInto('sessions').values({ id: sha256Hex(token), user_id: user.id, brand_id: membership.brand_id, csrf_token: csrfToken, expires_at: expiresAt, created_at: now }).execute();
      uow.record({ brandId: membership.brand_id, actorType: 'user', actorId: user.id, action, subjectType: 'user', subjectId: user.id, ...(after ? { after } : {}), at: now });
      return this.principalFor(membership.brand_id, user.id, user.name, membership.role, user.operator);
    });
    return { token, csrfToken, expiresAt, principal: { ...principal, csrfToken, sessionId: sha256Hex(token) } };
  }

  /** Whether a session still exists and has not expired (long-lived streams check it). */
  async sessionAlive(sessionId: string): Promise<boolean> {
    const s = await this.db.selectFrom('sessions').select('expires_at').where('id', '=', sessionId).executeTakeFirst();
    return !!s && s.expires_at > this.clock.now();
  }

  async logout(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sha256Hex(token)).execute();
  }

  /** Resolves a session cookie; sliding expiry, touched at most once a minute. */
  async fromSession(token: string): Promise<Principal> {
    const id = sha256Hex(token);
    const s = await this.db.selectFrom('sessions as s').innerJoin('users as u', 'u.id', 's.user_id')
      .innerJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 's.user_id').onRef('m.brand_id', '=', 's.brand_id'))
      .select(['s.id', 's.user_id', 's.brand_id', 's.csrf_token', 's.expires_at', 's.last_seen_at', 'u.name', 'u.disabled_at', 'u.operator', 'm.role'])
      .where('s.id', '=', id).executeTakeFirst();
    const now = this.clock.now();
    if (!s || s.disabled_at) throw new EarshotError('EARSHOT_UNAUTHENTICATED', 'sign in first');
    if (s.expires_at <= now) {
      await this.db.deleteFrom('sessions').where('id', '=', id).execute();
      throw new EarshotError('EARSHOT_SESSION_EXPIRED', 'your session has expired; sign in again');
    }
    if (now.getTime() - s.last_seen_at.getTime() > SESSION_TOUCH_MS) {
      await this.db.updateTable('sessions').set({ last_seen_at: now, expires_at: new Date(now.getTime() + SESSION_TTL_MS) }).where('id', '=', id).execute();
    }
    return { ...this.principalFor(s.brand_id, s.user_id, s.name, s.role, s.operator), csrfToken: s.csrf_token, sessionId: id };
  }

  async fromApiToken(token: string): Promise<Principal> {
    const t = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
    if (!t || t.revoked_at) throw new EarshotError('EARSHOT_UNAUTHENTICATED', 'invalid or revoked API token');
    const now = this.clock.now();
    if (!t.last_used_at || now.getTime() - t.last_used_at.getTime() > SESSION_TOUCH_MS) {
      await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', t.id).execute();
    }
    let perms = t.scopes.filter(isPermission);
    // A token acting for a user can never exceed that user's role.
    if (t.user_id) {
      const m = await findMembership(this.db, t.brand_id, t.user_id);
      perms = m ? perms.filter((p) => roleCan(m.role, p)) : [];
    }
    return { type: 'token', id: t.id, brandId: t.brand_id, userId: t.user_id, name: t.name, permissions: new Set(perms) };
  }

  principalFor(brandId: string, userId: string, name: string, role: Role, operator = false): Principal {
    return { type: 'user', id: userId, userId, brandId, role, name, operator, permissions: new Set(permissionsOf(role)) };
  }

  async createToken(actor: Actor, input: { name: string; scopes: Permission[] }): Promise<{ id: string; token: string; prefix: string; scopes: string[] }> {
    const token = `es_${randomToken(32)}`;
    const prefix = token.slice(0, 10);
    return transact(this.db, async (uow) => {
      const row = await uow.tx.insertInto('api_tokens').values({
        brand_id: actor.brandId, user_id: actor.userId ?? null, name: input.name, token_hash: sha256Hex(token), prefix, scopes: input.scopes,
      }).returning(['id']).executeTakeFirstOrThrow();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'token.created', subjectType: 'api_token', subjectId: row.id, after: { name: input.name, scopes: input.scopes, prefix }, at: this.clock.now() });
      return { id: row.id, token, prefix, scopes: input.scopes };
    });
  }

  async listTokens(brandId: string): Promise<{ id: string; name: string; prefix: string; scopes: string[]; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().where('brand_id', '=', brandId).orderBy('created_at', 'desc').execute();
    return rows.map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, scopes: t.scopes, createdAt: t.created_at.toISOString(), lastUsedAt: t.last_used_at?.toISOString() ?? null, revokedAt: t.revoked_at?.toISOString() ?? null }));
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    await transact(this.db, async (uow) => {
      const r = await uow.tx.updateTable('api_tokens').set({ revoked_at: this.clock.now() }).where('brand_id', '=', actor.brandId).where('id', '=', id).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
      if (!r) throw new EarshotError('EARSHOT_NOT_FOUND', 'token not found', { field: 'params.id' });
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'token.revoked', subjectType: 'api_token', subjectId: id, at: this.clock.now() });
    });
  }

  async listUsers(brandId: string): Promise<BrandUser[]> {
    return listBrandUsers(this.db, brandId);
  }
}

export function permissionsOf(role: Role): Permission[] {
  return [...RolePermissions[role]];
}
