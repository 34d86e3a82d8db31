import type { DB, Kysely } from '@earshot/db';
import { EarshotError, type CrmHookView } from '@earshot/domain';
import { z } from 'zod';
import { signApiBody, SIGNATURE_HEADER } from '../channels/api/api.driver';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import type { SecretBox } from '../shared/crypto';
import { transact } from '../shared/unit-of-work';
import { postPinned, resolveTarget, type OutboundPolicy } from '../webhooks/outbound-http';

/** How long a successful look-up is trusted, and how soon a failed one is tried again. */
export const CRM_TTL_MS = 15 * 60_000;
export const CRM_RETRY_AFTER_ERROR_MS = 60_000;
export const CRM_TIMEOUT_MS = 2_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

/** What the CRM answers: flat fields, limited so one CRM cannot bloat every profile. */
export const CrmAnswer = z.object({
  attributes: z.record(z.string().min(1).max(100), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .refine((a) => Object.keys(a).length <= 50, { message: 'at most 50 attributes' }),
});
export type CrmAttributes = z.infer<typeof CrmAnswer>['attributes'];

export interface CrmLookupRequest {
  brandId: string;
  contact: { id: string; name: string | null; email: string | null; identities: { channelKind: string; externalId: string; handle: string | null }[] };
}

/** Kept in brands.settings.crmHook; the secret is sealed like channel credentials. */
const StoredHook = z.object({ url: z.string(), secretEnc: z.string(), updatedAt: z.string() });
type StoredHook = z.infer<typeof StoredHook>;

/** The brand's CRM look-up hook: configuration (admin) and the signed look-up itself. */
export class CrmHookService {
  /** `policy`: the same private-address rule as outbound webhooks (the URL is resolved and checked when set and on every look-up). */
  constructor(private readonly db: Kysely<DB>, private readonly box: SecretBox, private readonly clock: Clock, private readonly timeoutMs = CRM_TIMEOUT_MS, private readonly policy: OutboundPolicy = { allowPrivate: false }) {}

  async get(actor: Actor): Promise<CrmHookView> {
    const h = await this.#stored(actor.brandId);
    return h ? { configured: true, url: h.url, secretSet: true, updatedAt: h.updatedAt } : { configured: false, url: null, secretSet: false, updatedAt: null };
  }

  async set(actor: Actor, input: { url: string; secret: string }): Promise<CrmHookView> {
    const url = parseHookUrl(input.url);
    // A CRM on the loopback or private network is refused unless the operator allows it (EARSHOT_WEBHOOK_ALLOW_PRIVATE).
    await resolveTarget(url, this.policy, 'body.url', { httpsOnly: false });
    await transact(this.db, async (uow) => {
      const b = await uow.tx.selectFrom('brands').select('settings').where('id', '=', actor.brandId).forUpdate().executeTakeFirstOrThrow();
      const before = StoredHook.safeParse(b.settings.crmHook);
      const hook: StoredHook = { url, secretEnc: this.box.seal(input.secret), updatedAt: this.clock.now().toISOString() };
      await uow.tx.updateTable('brands').set({ settings: JSON.stringify({ ...b.settings, crmHook: hook }) }).where('id', '=', actor.brandId).execute();
      // The secret never goes into the audit trail; only that it was set.
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'crm_hook.set', subjectType: 'brand', subjectId: actor.brandId, before: before.success ? { url: before.data.url } : {}, after: { url, secretSet: true }, at: this.clock.now() });
    });
    return this.get(actor);
  }

  async remove(actor: Actor): Promise<CrmHookView> {
    await transact(this.db, async (uow) => {
      const b = await uow.tx.selectFrom('brands').select('settings').where('id', '=', actor.brandId).forUpdate().executeTakeFirstOrThrow();
      const before = StoredHook.safeParse(b.settings.crmHook);
      if (!before.success) return;
      const { crmHook: _removed, ...rest } = b.settings;
      await uow.tx.updateTable('brands').set({ settings: JSON.stringify(rest) }).where('id', '=', actor.brandId).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'crm_hook.removed', subjectType: 'brand', subjectId: actor.brandId, before: { url: before.data.url }, at: this.clock.now() });
    });
    return this.get(actor);
  }

  /**
   * "Test now": one signed look-up of a sample customer against the saved hook, answered with what the
   * CRM returned (or why it failed) and how long it took. Nothing is stored on any contact.
   */
  async test(actor: Actor, sample: { email?: string | undefined; handle?: string | undefined }): Promise<{ ok: boolean; attributes: CrmAttributes | null; error: string | null; ms: number }> {
    const target = await this.target(actor.brandId);
    if (!target) throw new EarshotError('EARSHOT_INVALID_STATE', 'save a CRM URL and secret first', { field: 'body' });
    const started = Date.now();
    const r = await this.lookup(target, {
      brandId: actor.brandId,
      contact: { id: '00000000-0000-4000-8000-000000000000', name: 'Earshot test customer', email: sample.email ?? null, identities: sample.handle ? [{ channelKind: 'x', externalId: sample.handle, handle: sample.handle }] : [] },
    });
    const ms = Date.now() - started;
    return r.ok ? { ok: true, attributes: r.attributes, error: null, ms } : { ok: false, attributes: null, error: r.error, ms };
  }

  /** The hook's URL and secret, or null when the brand has none (or its secret cannot be opened). */
  async target(brandId: string): Promise<{ url: string; secret: string } | null> {
    const h = await this.#stored(brandId);
    if (!h) return null;
    try {
      const secret = this.box.open(h.secretEnc);
      return typeof secret === 'string' ? { url: h.url, secret } : null;
    } catch {
      return null;
    }
  }

  /** Posts the signed look-up; resolves with the fields or an error message (never throws). */
  async lookup(target: { url: string; secret: string }, req: CrmLookupRequest): Promise<{ ok: true; attributes: CrmAttributes } | { ok: false; error: string }> {
    const body = JSON.stringify(req);
    // Resolved, checked and pinned like a webhook delivery; no redirects; at most MAX_RESPONSE_BYTES read.
    const r = await postPinned(target.url, body, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signApiBody(target.secret, body) }, {
      policy: this.policy, rules: { httpsOnly: false }, timeoutMs: this.timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES, excerptBytes: MAX_RESPONSE_BYTES + 1,
    });
    if (r.status === null) return { ok: false, error: r.error?.startsWith('no answer within') ? `CRM did not answer within ${this.timeoutMs} ms` : 'CRM could not be reached' };
    if (r.status < 200 || r.status >= 300) return { ok: false, error: r.status >= 300 && r.status < 400 ? 'CRM could not be reached' : `CRM answered HTTP ${r.status}` };
    if (Buffer.byteLength(r.excerpt) > MAX_RESPONSE_BYTES) return { ok: false, error: 'CRM answer too large' };
    let json: unknown;
    try { json = JSON.parse(r.excerpt); } catch { return { ok: false, error: 'CRM answer is not JSON' }; }
    const parsed = CrmAnswer.safeParse(json);
    if (!parsed.success) return { ok: false, error: `CRM answer rejected: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim() };
    return { ok: true, attributes: parsed.data.attributes };
  }

  async #stored(brandId: string): Promise<StoredHook | null> {
    const b = await this.db.selectFrom('brands').select('settings').where('id', '=', brandId).executeTakeFirst();
    const h = StoredHook.safeParse(b?.settings.crmHook);
    return h.success ? h.data : null;
  }
}

function parseHookUrl(raw: string): string {
  let u: URL;
  try { u = new URL(raw); } catch { throw new EarshotError('EARSHOT_VALIDATION', 'not a URL', { field: 'body.url' }); }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new EarshotError('EARSHOT_VALIDATION', 'the CRM URL must be http or https', { field: 'body.url' });
  if (u.username || u.password) throw new EarshotError('EARSHOT_VALIDATION', 'put credentials in the shared secret, not the URL', { field: 'body.url' });
  return u.toString();
}
