import { z } from 'zod';

/**
 * Texts of automatic messages (routing acknowledgements, SLA "still on it" updates) by template id.
 * A brand overrides or adds them in `brands.settings.templates`; these are the defaults.
 */
export const DEFAULT_TEMPLATES: Readonly<Record<string, string>> = {
  'after-hours-ack': 'Thanks for getting in touch. We are outside our opening hours right now and will reply as soon as we are back.',
  'ack': 'Thanks for getting in touch. We have your message and will reply shortly.',
  'still-on-it': 'We are still on it and will get back to you as soon as we can. Thank you for your patience.',
};

const BrandTemplates = z.record(z.string().min(1).max(200), z.string().min(1).max(2000));

/** The template's text, or null when neither the brand nor the defaults define it. */
export function templateText(brandSettings: Record<string, unknown> | null | undefined, templateId: string): string | null {
  const own = BrandTemplates.safeParse(brandSettings?.templates ?? {});
  if (own.success && own.data[templateId]) return own.data[templateId] ?? null;
  return DEFAULT_TEMPLATES[templateId] ?? null;
}
