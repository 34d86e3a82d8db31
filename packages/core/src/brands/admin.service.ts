import type { DB, Kysely, Role } from '@earshot/db';
import { DEFAULT_DESK_SETTINGS, DeskSettings, EarshotError, type TeamView, type UserView } from '@earshot/domain';
import { hashPassword } from '../shared/crypto';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact, type UnitOfWork } from '../shared/unit-of-work';
import { findUserByEmail, listBrandUsers } from '../auth/user.repository';
import type { EventBus } from '../events/event-bus';
import { assignWaiting, lockPoolsOfAgent } from '../routing/assign-waiting';

export interface BrandRow { id: string; slug: string; name: string; timezone: string }

export interface AdminHooks {
  /** Runs in the membership change's transaction (routing reassigns an offline agent's work). */
  onAvailabilityChanged?: (uow: UnitOfWork, brandId: string, userId: string, availability: 'online' | 'away' | 'offline') => Promise<void>;
}

/** Brands, users, memberships and teams. */
export class AdminService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock, private readonly hooks: AdminHooks = {}) {}

  async ensureBrand(input: { slug: string; name: string; timezone?: string }): Promise<{ brand: BrandRow; created: boolean }> {
    const existing = await this.db.selectFrom('brands').select(['id', 'slug', 'name', 'timezone']).where('slug', '=', input.slug).executeTakeFirst();
    if (existing) return { brand: existing, created: false };
    return transact(this.db, async (uow) => {
      const brand = await uow.tx.insertInto('brands').values({ slug: input.slug, name: input.name, timezone: input.timezone ?? 'UTC' })
        .returning(['id', 'slug', 'name', 'timezone']).executeTakeFirstOrThrow();
      uow.record({ brandId: brand.id, actorType: 'system', actorId: 'earshot', action: 'brand.created', subjectType: 'brand', subjectId: brand.id, after: input, at: this.clock.now() });
      return { brand, created: true };
    });
  }

  async getBrand(id: string): Promise<BrandRow> {
    const b = await this.db.selectFrom('brands').select(['id', 'slug', 'name', 'timezone']).where('id', '=', id).executeTakeFirst();
    if (!b) throw new EarshotError('EARSHOT_NOT_FOUND', 'brand not found');
    return b;
  }

  async findBrandBySlug(slug: string): Promise<BrandRow | undefined> {
    return this.db.selectFrom('brands').select(['id', 'slug', 'name', 'timezone']).where('slug', '=', slug).executeTakeFirst();
  }

  /** Creates the user if new (or sets the password when given) and gives them a role in the brand. */
  async upsertUser(actor: Actor, input: { email: string; name: string; password?: string | undefined; role: Role }): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    const id = await transact(this.db, async (uow) => {
      let user = await findUserByEmail(uow.tx, email);
      if (!user) {
        user = await uow.tx.insertInto('users').values({ email, name: input.name, password_hash: passwordHash ?? null }).returningAll().executeTakeFirstOrThrow();
      } else if (actor.type !== 'system') {
        // An account is shared by every brand it belongs to: one brand's admin may neither take it
        // over (password) nor pull it in from another brand. Operators do that with the CLI.
        const member = await uow.tx.selectFrom('memberships').select('user_id').where('brand_id', '=', actor.brandId).where('user_id', '=', user.id).executeTakeFirst();
        if (!member) throw new EarshotError('EARSHOT_CONFLICT', 'that email belongs to an existing account; an operator can add it with `earshot user create`', { field: 'body.email' });
        if (passwordHash) throw new EarshotError('EARSHOT_FORBIDDEN', 'an existing user\'s password cannot be set here', { field: 'body.password' });
      } else if (passwordHash) {
        await uow.tx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', user.id).execute();
      }
      await uow.tx.insertInto('memberships').values({ brand_id: actor.brandId, user_id: user.id, role: input.role })
        .onConflict((oc) => oc.columns(['brand_id', 'user_id']).doUpdateSet({ role: input.role })).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'user.role_set', subjectType: 'user', subjectId: user.id, after: { email, role: input.role, passwordSet: !!passwordHash }, at: this.clock.now() });
      return user.id;
    });
    return this.getUser(actor.brandId, id);
  }

  async getUser(brandId: string, userId: string): Promise<UserView> {
    const u = (await listBrandUsers(this.db, brandId)).find((x) => x.id === userId);
    if (!u) throw new EarshotError('EARSHOT_USER_NOT_FOUND', 'user not found', { field: 'params.id' });
    return u;
  }

  async updateMembership(actor: Actor, userId: string, patch: { role?: Role | undefined; availability?: 'online' | 'away' | 'offline' | undefined; skills?: string[] | undefined; capacity?: Record<string, number> | undefined }): Promise<UserView> {
    const routingChange = patch.availability !== undefined || patch.capacity !== undefined || patch.skills !== undefined || patch.role !== undefined;
    await transact(this.db, async (uow) => {
      // Assignment locks the pools' cursors, then their members' rows: this change takes them in the same order.
      if (routingChange) await lockPoolsOfAgent(uow, actor.brandId, userId);
      const m = await uow.tx.selectFrom('memberships').selectAll().where('brand_id', '=', actor.brandId).where('user_id', '=', userId).forUpdate().executeTakeFirst();
      if (!m) throw new EarshotError('EARSHOT_USER_NOT_FOUND', 'user not found', { field: 'params.id' });
      const set = {
        ...(patch.role ? { role: patch.role } : {}), ...(patch.availability ? { availability: patch.availability } : {}),
        ...(patch.skills ? { skills: patch.skills } : {}), ...(patch.capacity ? { capacity: JSON.stringify(patch.capacity) } : {}),
      };
      if (Object.keys(set).length === 0) return;
      await uow.tx.updateTable('memberships').set(set).where('brand_id', '=', actor.brandId).where('user_id', '=', userId).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'user.updated', subjectType: 'user', subjectId: userId, before: { role: m.role, availability: m.availability, skills: m.skills, capacity: m.capacity }, after: patch, at: this.clock.now() });
      if (patch.availability && patch.availability !== m.availability) await this.hooks.onAvailabilityChanged?.(uow, actor.brandId, userId, patch.availability);
      // Online with room (just came online, more capacity, a new skill, no longer a viewer): the queue flows to them.
      if (routingChange && (patch.availability ?? m.availability) === 'online') await assignWaiting(uow, { brandId: actor.brandId, agentId: userId, now: this.clock.now(), bus: this.bus });
    });
    return this.getUser(actor.brandId, userId);
  }

  /** The brand's desk settings (auto-away on idle); defaults when none are saved. */
  async getDeskSettings(brandId: string): Promise<DeskSettings> {
    const b = await this.db.selectFrom('brands').select('settings').where('id', '=', brandId).executeTakeFirst();
    const saved = DeskSettings.safeParse(b?.settings.desk);
    return saved.success ? saved.data : DEFAULT_DESK_SETTINGS;
  }

  async setDeskSettings(actor: Actor, input: DeskSettings): Promise<DeskSettings> {
    await transact(this.db, async (uow) => {
      const b = await uow.tx.selectFrom('brands').select('settings').where('id', '=', actor.brandId).forUpdate().executeTakeFirst();
      if (!b) throw new EarshotError('EARSHOT_NOT_FOUND', 'brand not found');
      const before = DeskSettings.safeParse(b.settings.desk);
      await uow.tx.updateTable('brands').set({ settings: JSON.stringify({ ...b.settings, desk: input }) }).where('id', '=', actor.brandId).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'brand.desk_settings_updated', subjectType: 'brand', subjectId: actor.brandId, before: before.success ? before.data : DEFAULT_DESK_SETTINGS, after: input, at: this.clock.now() });
    });
    return this.getDeskSettings(actor.brandId);
  }

  async listTeams(brandId: string): Promise<TeamView[]> {
    const teams = await this.db.selectFrom('teams').selectAll().where('brand_id', '=', brandId).orderBy('name').execute();
    const members = await this.db.selectFrom('team_members').select(['team_id', 'user_id']).where('brand_id', '=', brandId).execute();
    return teams.map((t) => ({ id: t.id, name: t.name, skills: t.skills, memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.user_id) }));
  }

  async createTeam(actor: Actor, input: { name: string; skills: string[]; memberIds: string[] }): Promise<TeamView> {
    const id = await transact(this.db, async (uow) => {
      const clash = await uow.tx.selectFrom('teams').select('id').where('brand_id', '=', actor.brandId).where('name', '=', input.name).executeTakeFirst();
      if (clash) throw new EarshotError('EARSHOT_CONFLICT', 'a team with that name exists', { field: 'body.name' });
      const t = await uow.tx.insertInto('teams').values({ brand_id: actor.brandId, name: input.name, skills: input.skills }).returning('id').executeTakeFirstOrThrow();
      await this.#setMembers(uow.tx, actor.brandId, t.id, input.memberIds);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'team.created', subjectType: 'team', subjectId: t.id, after: input, at: this.clock.now() });
      return t.id;
    });
    return (await this.listTeams(actor.brandId)).find((t) => t.id === id) as TeamView;
  }

  async updateTeam(actor: Actor, id: string, patch: { name?: string | undefined; skills?: string[] | undefined; memberIds?: string[] | undefined }): Promise<TeamView> {
    await transact(this.db, async (uow) => {
      const t = await uow.tx.selectFrom('teams').selectAll().where('brand_id', '=', actor.brandId).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!t) throw new EarshotError('EARSHOT_TEAM_NOT_FOUND', 'team not found', { field: 'params.id' });
      if (patch.name || patch.skills) await uow.tx.updateTable('teams').set({ name: patch.name ?? t.name, skills: patch.skills ?? t.skills }).where('id', '=', id).execute();
      if (patch.memberIds) await this.#setMembers(uow.tx, actor.brandId, id, patch.memberIds);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'team.updated', subjectType: 'team', subjectId: id, before: { name: t.name, skills: t.skills }, after: patch, at: this.clock.now() });
    });
    const team = (await this.listTeams(actor.brandId)).find((t) => t.id === id);
    if (!team) throw new EarshotError('EARSHOT_TEAM_NOT_FOUND', 'team not found');
    return team;
  }

  async #setMembers(tx: Kysely<DB>, brandId: string, teamId: string, memberIds: string[]): Promise<void> {
    const unique = [...new Set(memberIds)];
    if (unique.length) {
      const found = await tx.selectFrom('memberships').select('user_id').where('brand_id', '=', brandId).where('user_id', 'in', unique).execute();
      if (found.length !== unique.length) throw new EarshotError('EARSHOT_USER_NOT_FOUND', 'a member is not a user of this brand', { field: 'body.memberIds' });
    }
    await tx.deleteFrom('team_members').where('team_id', '=', teamId).execute();
    if (unique.length) await tx.insertInto('team_members').values(unique.map((u) => ({ brand_id: brandId, team_id: teamId, user_id: u }))).execute();
  }
}
