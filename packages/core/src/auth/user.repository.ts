import type { Selectable, UsersTable, MembershipsTable, Role } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export type UserRow = Selectable<UsersTable>;
export type MembershipRow = Selectable<MembershipsTable>;

export async function findUserByEmail(ex: Executor, email: string): Promise<UserRow | undefined> {
  return ex.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findMembership(ex: Executor, brandId: string, userId: string): Promise<MembershipRow | undefined> {
  return ex.selectFrom('memberships').selectAll().where('brand_id', '=', brandId).where('user_id', '=', userId).executeTakeFirst();
}

export async function firstMembership(ex: Executor, userId: string): Promise<MembershipRow | undefined> {
  return ex.selectFrom('memberships').selectAll().where('user_id', '=', userId).orderBy('created_at').limit(1).executeTakeFirst();
}

export interface BrandUser {
  id: string; email: string; name: string; role: Role; availability: string; skills: string[]; capacity: Record<string, number>; teamIds: string[];
}

export async function listBrandUsers(ex: Executor, brandId: string): Promise<BrandUser[]> {
  const rows = await ex.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.availability', 'm.skills', 'm.capacity'])
    .where('m.brand_id', '=', brandId).where('u.disabled_at', 'is', null).orderBy('u.name').execute();
  const teams = await ex.selectFrom('team_members').select(['user_id', 'team_id']).where('brand_id', '=', brandId).execute();
  return rows.map((r) => ({ ...r, teamIds: teams.filter((t) => t.user_id === r.id).map((t) => t.team_id) }));
}
