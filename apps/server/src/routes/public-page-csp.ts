import { createHash } from 'node:crypto';

/**
 * The Content-Security-Policy of a server-rendered public page (knowledge-base article, community,
 * satisfaction survey): no script at all, the page's one stylesheet allowed by its hash, nothing may
 * frame it; images over https and forms posting back here only where the page needs them.
 */
export function publicPageCsp(css: string, opts: { images: boolean; forms: boolean; sandbox?: boolean }): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`,
    ...(opts.images ? ["img-src 'self' https:"] : []),
    "base-uri 'none'",
    `form-action ${opts.forms ? "'self'" : "'none'"}`,
    "frame-ancestors 'none'",
    ...(opts.sandbox ? ['sandbox'] : []),
  ].join('; ');
}
