import { z } from 'zod';
import { isValidTimeZone } from '../sla/time-zone';

/** A brand's slug: its address in links (`/kb/<slug>/…`) and sign-in; the database checks the same pattern. */
export const BrandSlug = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes (2–63), starting with a letter or digit');
export const TimeZoneName = z.string().trim().min(1).max(64).refine(isValidTimeZone, 'not a known IANA time zone (e.g. Europe/Berlin)');
const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');
const LogoUrl = z.url({ protocol: /^https$/, error: 'an https:// address of an image' }).max(500);

/** How a brand looks on its public pages (knowledge base, web chat). */
export const BrandLook = z.strictObject({ logoUrl: LogoUrl.nullable(), primaryColor: Colour, accentColor: Colour });
export type BrandLook = z.infer<typeof BrandLook>;
export const DEFAULT_BRAND_LOOK: BrandLook = { logoUrl: null, primaryColor: '#1f6feb', accentColor: '#0e7c66' };

/**
 * Agency approval: which replies of agency agents wait for a brand agent's approval before they go
 * out. `approval` holds the reply; `direct` sends it. Public replies are held by default.
 */
export const AgencyApproval = z.strictObject({ publicReplies: z.enum(['approval', 'direct']), privateReplies: z.enum(['approval', 'direct']) });
export type AgencyApproval = z.infer<typeof AgencyApproval>;
export const DEFAULT_AGENCY_APPROVAL: AgencyApproval = { publicReplies: 'approval', privateReplies: 'direct' };

export const BrandSettingsView = z.object({
  id: z.string(), slug: z.string(), name: z.string(), timezone: z.string(), createdAt: z.string(),
  look: BrandLook, agency: AgencyApproval,
});
export type BrandSettingsView = z.infer<typeof BrandSettingsView>;

export const BrandSettingsPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(), slug: BrandSlug.optional(), timezone: TimeZoneName.optional(),
  look: BrandLook.optional(), agency: AgencyApproval.optional(),
});
export type BrandSettingsPatch = z.infer<typeof BrandSettingsPatch>;

/** A brand the signed-in user has a role in (the brand switcher). */
export const MyBrandView = z.object({ id: z.string(), slug: z.string(), name: z.string(), role: z.enum(['admin', 'supervisor', 'agent', 'agency_agent', 'viewer']), current: z.boolean() });
export type MyBrandView = z.infer<typeof MyBrandView>;

/** What an operator sees of every brand. */
export const OperatorBrandView = z.object({ id: z.string(), slug: z.string(), name: z.string(), timezone: z.string(), createdAt: z.string(), members: z.number().int(), admins: z.array(z.string()) });
export type OperatorBrandView = z.infer<typeof OperatorBrandView>;

/** An operator creates a brand and its first admin (a new account, or an existing one joining it). */
export const CreateBrandInput = z.strictObject({
  slug: BrandSlug, name: z.string().trim().min(1).max(200), timezone: TimeZoneName.default('UTC'),
  admin: z.strictObject({ email: z.email().max(320), name: z.string().trim().min(1).max(200), password: z.string().min(12).max(1024).optional() }),
});
export type CreateBrandInput = z.infer<typeof CreateBrandInput>;

/** An operator gives someone a role in a brand: an agency's people join the brands it serves with the account they have. */
export const AddMemberInput = z.strictObject({
  email: z.email().max(320), name: z.string().trim().min(1).max(200), role: z.enum(['admin', 'supervisor', 'agent', 'agency_agent', 'viewer']),
  password: z.string().min(12).max(1024).optional(),
});
export type AddMemberInput = z.infer<typeof AddMemberInput>;
