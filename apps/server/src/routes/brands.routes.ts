import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AddMemberInput, BrandSettingsPatch, BrandSettingsView, CreateBrandInput, MyBrandView, OperatorBrandView } from '@earshot/domain';
import type { Principal } from '@earshot/core';
import { authErrors, IdParams, type RouteDeps } from './shared';

/** Operators are users flagged by the CLI; a token or a brand role never is one. */
const operatorOf = (p: Principal) => ({ type: 'user' as const, id: p.userId ?? null, operator: p.type === 'user' && p.operator === true });

export async function brandRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/me/brands', { schema: { tags: ['brands'], summary: 'The brands you have a role in (the brand switcher); an API token sees only its own', response: { 200: z.object({ items: z.array(MyBrandView) }), ...authErrors } } },
    async (req) => {
      const p = req.actor();
      if (p.type !== 'user' || !p.userId) return { items: [] };
      return { items: await core.brands.mine(p.userId, p.brandId) };
    });

  r.get('/api/v1/brand', { schema: { tags: ['brands'], summary: 'This brand\'s settings: name, slug, time zone, public look, agency approval', response: { 200: BrandSettingsView, ...authErrors } } },
    async (req) => core.brands.settings(req.can('brand:manage').brandId));
  r.patch('/api/v1/brand', { schema: { tags: ['brands'], summary: 'Change this brand\'s settings', body: BrandSettingsPatch, response: { 200: BrandSettingsView, ...authErrors } } },
    async (req) => core.brands.update(req.can('brand:manage'), req.body));

  r.get('/api/v1/brands', { schema: { tags: ['brands'], summary: 'Every brand of this installation (operators only)', response: { 200: z.object({ items: z.array(OperatorBrandView) }), ...authErrors } } },
    async (req) => ({ items: await core.brands.listAll(operatorOf(req.actor())) }));
  r.post('/api/v1/brands', {
    schema: {
      tags: ['brands'], summary: 'Create a brand and its first admin (operators only); an existing account joins without a password change',
      body: CreateBrandInput,
      response: { 200: z.object({ brand: BrandSettingsView, admin: z.object({ id: z.string(), email: z.string(), created: z.boolean() }) }), ...authErrors },
    },
  }, async (req) => core.brands.create(operatorOf(req.actor()), req.body));
  r.post('/api/v1/brands/:id/members', {
    schema: {
      tags: ['brands'], summary: 'Give someone a role in a brand (operators only): an agency\'s people join with the account they have',
      params: IdParams, body: AddMemberInput,
      response: { 200: z.object({ id: z.string(), email: z.string(), created: z.boolean() }), ...authErrors },
    },
  }, async (req) => core.brands.addMember(operatorOf(req.actor()), req.params.id, req.body));
}
