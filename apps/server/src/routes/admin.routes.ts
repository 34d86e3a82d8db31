import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DeskSettings, Permissions, RoleEnum, TeamView, UserView } from '@earshot/domain';
import { authErrors, IdParams, Ok, type RouteDeps } from './shared';

export async function adminRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/users', { schema: { tags: ['users'], summary: 'Users of this brand with role, availability, skills, capacity', response: { 200: z.object({ items: z.array(UserView) }), ...authErrors } } },
    async (req) => ({ items: await core.auth.listUsers(req.can('user:read').brandId) }));
  r.post('/api/v1/users', {
    schema: {
      tags: ['users'], summary: 'Create a user (or add an existing one to this brand) with a role',
      body: z.strictObject({ email: z.email().max(320), name: z.string().trim().min(1).max(200), password: z.string().min(12).max(1024).optional(), role: RoleEnum }),
      response: { 200: UserView, ...authErrors },
    },
  }, async (req) => core.admin.upsertUser(req.can('user:manage'), req.body));
  r.patch('/api/v1/users/:id', {
    schema: {
      tags: ['users'], summary: 'Change role, availability, skills or capacity', params: IdParams,
      body: z.strictObject({ role: RoleEnum.optional(), availability: z.enum(['online', 'away', 'offline']).optional(), skills: z.array(z.string().min(1).max(64)).max(50).optional(), capacity: z.record(z.string().max(32), z.number().int().min(0).max(1000)).optional() }),
      response: { 200: UserView, ...authErrors },
    },
  }, async (req) => {
    // Agents may set their own availability; anything else needs user:manage.
    const p = req.actor();
    const selfAvailability = req.params.id === p.userId && Object.keys(req.body).every((k) => k === 'availability');
    return core.admin.updateMembership(selfAvailability ? p : req.can('user:manage'), req.params.id, req.body);
  });

  r.get('/api/v1/desk-settings', { schema: { tags: ['users'], summary: 'The brand\'s desk settings: auto-away after idle minutes (null: never)', response: { 200: DeskSettings, ...authErrors } } },
    async (req) => core.admin.getDeskSettings(req.can('user:read').brandId));
  r.put('/api/v1/desk-settings', {
    schema: { tags: ['users'], summary: 'Change the brand\'s desk settings', body: z.strictObject({ autoAwayMinutes: DeskSettings.shape.autoAwayMinutes }), response: { 200: DeskSettings, ...authErrors } },
  }, async (req) => core.admin.setDeskSettings(req.can('user:manage'), req.body));

  r.get('/api/v1/teams', { schema: { tags: ['teams'], summary: 'Teams with skills and members', response: { 200: z.object({ items: z.array(TeamView) }), ...authErrors } } },
    async (req) => ({ items: await core.admin.listTeams(req.can('team:read').brandId) }));
  r.post('/api/v1/teams', {
    schema: { tags: ['teams'], summary: 'Create a team', body: z.strictObject({ name: z.string().trim().min(1).max(100), skills: z.array(z.string().min(1).max(64)).max(50).default([]), memberIds: z.array(z.uuid()).max(500).default([]) }), response: { 200: TeamView, ...authErrors } },
  }, async (req) => core.admin.createTeam(req.can('team:manage'), req.body));
  r.patch('/api/v1/teams/:id', {
    schema: { tags: ['teams'], summary: 'Rename, change skills or members', params: IdParams, body: z.strictObject({ name: z.string().trim().min(1).max(100).optional(), skills: z.array(z.string().min(1).max(64)).max(50).optional(), memberIds: z.array(z.uuid()).max(500).optional() }), response: { 200: TeamView, ...authErrors } },
  }, async (req) => core.admin.updateTeam(req.can('team:manage'), req.params.id, req.body));

  const TokenView = z.object({ id: z.string(), name: z.string(), prefix: z.string(), scopes: z.array(z.string()), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() });
  r.get('/api/v1/tokens', { schema: { tags: ['tokens'], summary: 'API tokens (never their secret)', response: { 200: z.object({ items: z.array(TokenView) }), ...authErrors } } },
    async (req) => ({ items: await core.auth.listTokens(req.can('token:manage').brandId) }));
  r.post('/api/v1/tokens', {
    schema: { tags: ['tokens'], summary: 'Create an API token; the token is shown once', body: z.strictObject({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(Permissions)).min(1) }), response: { 200: z.object({ id: z.string(), token: z.string(), prefix: z.string(), scopes: z.array(z.string()) }), ...authErrors } },
  }, async (req) => core.auth.createToken(req.can('token:manage'), req.body));
  r.delete('/api/v1/tokens/:id', { schema: { tags: ['tokens'], summary: 'Revoke a token', params: IdParams, response: { 200: Ok, ...authErrors } } }, async (req) => {
    await core.auth.revokeToken(req.can('token:manage'), req.params.id);
    return { ok: true as const };
  });
}
