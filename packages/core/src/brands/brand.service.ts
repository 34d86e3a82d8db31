import type { DB, Kysely, Role } from '@earshot/db';
import type { AuditEntry } from '../audit/audit.types';
import {
  AgencyApproval, BrandLook, DEFAULT_AGENCY_APPROVAL, DEFAULT_BRAND_LOOK, EarshotError,
  type AddMemberInput, type BrandSettingsPatch, type BrandSettingsView, type CreateBrandInput, type MyBrandView, type OperatorBrandView,
} from '@earshot/domain';
import { hashPassword } from '../shared/crypto';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact, type Executor } from '../shared/unit-of-work';
import { findUserByEmail } from '../auth/user.repository';

/** Who may create brands: an operator of the installation (the CLI acts as one). */
export interface OperatorActor { type: 'user' | 'system'; id: string | null; operator: boolean }

/** A brand's saved look and agency approval, with defaults for what was never saved. */
export function brandSettingsOf(settings: Record<string, unknown>): { look: BrandLook; agency: AgencyApproval } {
  const look = BrandLook.safeParse(settings.look);
  const agency = AgencyApproval.safeParse(settings.agency);
  return { look: look.success ? look.data : DEFAULT_BRAND_LOOK, agency: agency.success ? agency.data : DEFAULT_AGENCY_APPROVAL };
}

/** The agency approval setting of one brand, read in the caller's transaction. */
export async function agencyApprovalOf(ex: Executor, brandId: string): Promise<AgencyApproval> {
  const b = await ex.selectFrom('brands').select('settings').where('id', '=', brandId).executeTakeFirst();
  return brandSettingsOf(b?.settings ?? {}).agency;
}

/** Brands as a whole: creation by operators, each brand's own settings, the brands a user works in. */
export class BrandService {
  constructor(private readonly db: Kysely<DB>, private readonly clock: Clock) {}

  /** Creates a brand and gives its first admin the admin role, in one transaction, audited on the new brand's chain. */
  async create(operator: OperatorActor, input: CreateBrandInput): Promise<{ brand: BrandSettingsView; admin: { id: string; email: string; created: boolean } }> {
    if (!operator.operator) throw new EarshotError('EARSHOT_FORBIDDEN', 'only an operator of this installation may create brands');
    const email = input.admin.email.trim().toLowerCase();
    const passwordHash = input.admin.password ? await hashPassword(input.admin.password) : undefined;
    const res = await transact(this.db, async (uow) => {
      const brand = await uow.tx.insertInto('brands').values({ slug: input.slug, name: input.name, timezone: input.timezone })
        .onConflict((oc) => oc.column('slug').doNothing()).returning('id').executeTakeFirst();
      if (!brand) throw new EarshotError('EARSHOT_CONFLICT', `a brand with the slug "${input.slug}" exists`, { field: 'body.slug' });
      uow.record({ brandId: brand.id, actorType: operator.type, actorId: operator.id, action: 'brand.created', subjectType: 'brand', subjectId: brand.id, after: { slug: input.slug, name: input.name, timezone: input.timezone }, at: this.clock.now() });
      const admin = await this.#join(uow.tx, operator, brand.id, { email, name: input.admin.name, role: 'admin' }, passwordHash, 'body.admin.password', (e) => uow.record(e));
      return { brandId: brand.id, admin };
    });
    return { brand: await this.settings(res.brandId), admin: res.admin };
  }

  /** Gives an account (existing, or new with a first password) a role in a brand. */
  async addMember(operator: OperatorActor, brandId: string, input: AddMemberInput): Promise<{ id: string; email: string; created: boolean }> {
    if (!operator.operator) throw new EarshotError('EARSHOT_FORBIDDEN', 'only an operator of this installation may add people to any brand');
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    return transact(this.db, async (uow) => {
      const brand = await uow.tx.selectFrom('brands').select('id').where('id', '=', brandId).executeTakeFirst();
      if (!brand) throw new EarshotError('EARSHOT_NOT_FOUND', 'brand not found', { field: 'params.id' });
      return this.#join(uow.tx, operator, brandId, { email: input.email.trim().toLowerCase(), name: input.name, role: input.role }, passwordHash, 'body.password', (e) => uow.record(e));
    });
  }

  async #join(tx: Executor, operator: OperatorActor, brandId: string, who: { email: string; name: string; role: Role }, passwordHash: string | undefined, passwordField: string, record: (e: AuditEntry) => void): Promise<{ id: string; email: string; created: boolean }> {
    let user = await findUserByEmail(tx, who.email);
    const created = !user;
    if (!user) {
      if (!passwordHash) throw new EarshotError('EARSHOT_VALIDATION', 'a new account needs a first password (12 characters or more)', { field: passwordField });
      user = await tx.insertInto('users').values({ email: who.email, name: who.name, password_hash: passwordHash }).returningAll().executeTakeFirstOrThrow();
    } else if (passwordHash) {
      // An existing account keeps its own password: joining a brand never resets it.
      throw new EarshotError('EARSHOT_CONFLICT', 'that email has an account already; leave the password empty to give it a role here', { field: passwordField });
    }
    await tx.insertInto('memberships').values({ brand_id: brandId, user_id: user.id, role: who.role })
      .onConflict((oc) => oc.columns(['brand_id', 'user_id']).doUpdateSet({ role: who.role })).execute();
    record({ brandId, actorType: operator.type, actorId: operator.id, action: 'user.role_set', subjectType: 'user', subjectId: user.id, after: { email: who.email, role: who.role, passwordSet: !!passwordHash, accountCreated: created }, at: this.clock.now() });
    return { id: user.id, email: who.email, created };
  }

  /** Every brand, for operators: who administers it and how many people work in it. */
  async listAll(operator: OperatorActor): Promise<OperatorBrandView[]> {
    if (!operator.operator) throw new EarshotError('EARSHOT_FORBIDDEN', 'only an operator of this installation may list brands');
    const brands = await this.db.selectFrom('brands').select(['id', 'slug', 'name', 'timezone', 'created_at']).orderBy('name').orderBy('id').execute();
    const members = await this.db.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.brand_id', 'm.role', 'u.email']).where('u.disabled_at', 'is', null).execute();
    return brands.map((b) => {
      const mine = members.filter((m) => m.brand_id === b.id);
      return { id: b.id, slug: b.slug, name: b.name, timezone: b.timezone, createdAt: b.created_at.toISOString(), members: mine.length, admins: mine.filter((m) => m.role === 'admin').map((m) => m.email).sort() };
    });
  }

  /** The brands this user has a role in (the brand switcher), the current one marked. */
  async mine(userId: string, currentBrandId: string): Promise<MyBrandView[]> {
    const rows = await this.db.selectFrom('memberships as m').innerJoin('brands as b', 'b.id', 'm.brand_id')
      .select(['b.id', 'b.slug', 'b.name', 'm.role']).where('m.user_id', '=', userId).orderBy('b.name').orderBy('b.id').execute();
    return rows.map((r) => ({ ...r, current: r.id === currentBrandId }));
  }

  async settings(brandId: string): Promise<BrandSettingsView> {
    const b = await this.db.selectFrom('brands').selectAll().where('id', '=', brandId).executeTakeFirst();
    if (!b) throw new EarshotError('EARSHOT_NOT_FOUND', 'brand not found');
    return { id: b.id, slug: b.slug, name: b.name, timezone: b.timezone, createdAt: b.created_at.toISOString(), ...brandSettingsOf(b.settings) };
  }

  /** Name, slug, time zone, public look and agency approval of the actor's own brand. */
  async update(actor: Actor, patch: BrandSettingsPatch): Promise<BrandSettingsView> {
    await transact(this.db, async (uow) => {
      const b = await uow.tx.selectFrom('brands').selectAll().where('id', '=', actor.brandId).forUpdate().executeTakeFirst();
      if (!b) throw new EarshotError('EARSHOT_NOT_FOUND', 'brand not found');
      if (patch.slug && patch.slug !== b.slug) {
        const clash = await uow.tx.selectFrom('brands').select('id').where('slug', '=', patch.slug).executeTakeFirst();
        if (clash) throw new EarshotError('EARSHOT_CONFLICT', `the slug "${patch.slug}" is taken`, { field: 'body.slug' });
      }
      const before = { slug: b.slug, name: b.name, timezone: b.timezone, ...brandSettingsOf(b.settings) };
      const settings = { ...b.settings, ...(patch.look ? { look: patch.look } : {}), ...(patch.agency ? { agency: patch.agency } : {}) };
      await uow.tx.updateTable('brands').set({ name: patch.name ?? b.name, slug: patch.slug ?? b.slug, timezone: patch.timezone ?? b.timezone, settings: JSON.stringify(settings) })
        .where('id', '=', actor.brandId).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'brand.settings_updated', subjectType: 'brand', subjectId: actor.brandId, before, after: patch, at: this.clock.now() });
    });
    return this.settings(actor.brandId);
  }

  /** Makes an account an operator (or not): only from the CLI, which is the installation's owner. */
  async setOperator(email: string, operator: boolean): Promise<{ id: string; email: string; operator: boolean }> {
    const u = await this.db.updateTable('users').set({ operator }).where('email', '=', email.trim().toLowerCase()).returning(['id', 'email', 'operator']).executeTakeFirst();
    if (!u) throw new EarshotError('EARSHOT_USER_NOT_FOUND', `no account with the email ${email}`);
    return u;
  }
}
