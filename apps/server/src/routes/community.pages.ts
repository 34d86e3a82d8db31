import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EarshotError, isEarshotError } from '@earshot/domain';
import { safeEqual, type CommunityBrand, type CommunityMember } from '@earshot/core';
import { askHtml, COMMUNITY_CSP, confirmHtml, homeHtml, messageHtml, notFoundPage, profileHtml, questionHtml, signInHtml, type Chrome } from './community.page';
import type { RouteDeps } from './shared';

export const MEMBER_COOKIE = 'earshot_community';
const FORM_LIMIT = 64 * 1024;
const Uuid = z.uuid();

type Form = Record<string, string>;
type Req = FastifyRequest<{ Params: { brand: string; id?: string }; Querystring: Record<string, string | undefined> }>;

/** Public form posts are limited per address and community, on top of the per-member posting limits. */
function limit(max: number) {
  return {
    public: true,
    rateLimit: {
      max, timeWindow: 60_000,
      keyGenerator: (req: FastifyRequest) => `community:${(req.params as { brand?: string } | undefined)?.brand ?? ''}:${req.ip}`,
      errorResponseBuilder: (_req: FastifyRequest, ctx: { ttl: number }) => new EarshotError('EARSHOT_RATE_LIMITED', `too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s`, { details: { retryAfterS: Math.ceil(ctx.ttl / 1000) } }),
    },
  };
}

const field = (form: unknown, name: string): string => {
  const v = (form as Form | undefined)?.[name];
  return typeof v === 'string' ? v : '';
};

/** A page-relative return address: only a path inside this community (no open redirect). */
function nextPath(brandSlug: string, raw: string): string {
  const home = `/community/${brandSlug}`;
  return raw.startsWith(`${home}/`) && !raw.includes('//') && !/[\\\s]/.test(raw) ? raw : home;
}

/**
 * The public community at /community/<brand>: pages and plain form posts, no script. A member's
 * session cookie is scoped to the brand's path; every form carries the session's CSRF token and a
 * foreign Origin is refused. Failures are pages with the right status (404, 400, 401, 403, 409,
 * 413, 429), never a 500 for bad input.
 */
export async function communityPages(app: FastifyInstance, { core, cookieSecure }: RouteDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
      const form: Form = {};
      for (const [k, v] of new URLSearchParams(String(body))) if (!(k in form)) form[k] = v.replaceAll('\0', '');
      done(null, form);
    });

    const send = (reply: FastifyReply, status: number, html: string) => reply.status(status).header('content-security-policy', COMMUNITY_CSP)
      .header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
    const cookiePath = (b: CommunityBrand) => `/community/${b.slug}`;

    async function context(req: Req): Promise<{ brand: CommunityBrand; member: CommunityMember | null; chrome: Chrome }> {
      const brand = await core.community.brand(req.params.brand);
      const member = await core.communityAuth.member(brand.id, req.cookies[MEMBER_COOKIE]);
      return { brand, member, chrome: { brandName: brand.name, brandSlug: brand.slug, viewer: member ? { displayName: member.displayName, csrfToken: member.csrfToken } : null, q: req.query.q ?? '' } };
    }

    /** A form post by a signed-in member: same origin, their CSRF token. */
    function requireMember(req: Req, member: CommunityMember | null): CommunityMember {
      if (!member) throw new EarshotError('EARSHOT_UNAUTHENTICATED', 'sign in to post');
      const sent = field(req.body, '_csrf');
      if (!sent || !safeEqual(sent, member.csrfToken)) throw new EarshotError('EARSHOT_CSRF', 'this form has expired; reload the page and try again');
      return member;
    }

    scope.addHook('preHandler', async (req) => {
      if (req.method !== 'POST') return;
      const origin = req.headers.origin;
      if (origin && origin !== 'null' && URL.parse(origin)?.host !== req.headers.host) throw new EarshotError('EARSHOT_CSRF', 'form posted from another site');
    });

    scope.setErrorHandler(async (err: unknown, req, reply) => {
      const status = isEarshotError(err) ? err.status : (err as { statusCode?: number }).statusCode === 413 || (err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413
        : (err as { statusCode?: number }).statusCode && (err as { statusCode: number }).statusCode < 500 ? (err as { statusCode: number }).statusCode : 500;
      if (status >= 500) req.log.error({ err }, 'community page failed');
      if (isEarshotError(err) && err.details?.retryAfterS) void reply.header('retry-after', String(err.details.retryAfterS));
      const brandSlug = (req.params as { brand?: string } | undefined)?.brand ?? '';
      const brand = status === 404 ? null : await core.community.brand(brandSlug).catch(() => null);
      if (!brand) return send(reply, status === 404 ? 404 : status, status === 404 ? notFoundPage() : messageHtml({ brandName: 'Community', brandSlug, viewer: null }, 'Something went wrong', 'Please try again.'));
      const chrome: Chrome = { brandName: brand.name, brandSlug: brand.slug, viewer: null };
      const message = status === 413 ? 'That post is too long.' : status >= 500 ? 'Something went wrong on our side. Please try again.' : (err as Error).message;
      const back = (req.params as { id?: string }).id && Uuid.safeParse((req.params as { id?: string }).id).success ? { href: `/community/${brand.slug}/questions/${(req.params as { id: string }).id}`, label: 'Back to the question' } : { href: `/community/${brand.slug}`, label: 'Back to the community' };
      const title = status === 401 ? 'Please sign in' : status === 403 ? 'Not allowed' : status === 409 ? 'Not possible' : status === 429 ? 'Slow down' : status === 413 ? 'Too long' : status === 404 ? 'Not found' : 'Please check your input';
      return send(reply, status, messageHtml(chrome, title, message, status === 401 ? { href: `/community/${brand.slug}/signin`, label: 'Sign in' } : back));
    });

    scope.get<{ Params: { brand: string }; Querystring: Record<string, string | undefined> }>('/community/:brand', { config: limit(600), schema: { hide: true } }, async (req, reply) => {
      const { brand, chrome } = await context(req as Req);
      const f = { q: req.query.q?.slice(0, 200), topic: req.query.topic?.slice(0, 40), tag: req.query.tag?.slice(0, 30), cursor: req.query.cursor?.slice(0, 300) };
      return send(reply, 200, homeHtml(chrome, await core.community.home(brand, f), f));
    });

    scope.get<{ Params: { brand: string; id: string }; Querystring: Record<string, string | undefined> }>('/community/:brand/questions/:id', { config: limit(600), schema: { hide: true } }, async (req, reply) => {
      const { brand, member, chrome } = await context(req as Req);
      if (!Uuid.safeParse(req.params.id).success) throw new EarshotError('EARSHOT_NOT_FOUND', 'question not found');
      const notice = req.query.posted === 'held' ? 'Thanks! Your post is waiting for a moderator.' : req.query.posted === 'ok' ? 'Posted.' : null;
      return send(reply, 200, questionHtml(chrome, await core.community.question(brand, req.params.id, member), notice));
    });

    scope.get<{ Params: { brand: string }; Querystring: Record<string, string | undefined> }>('/community/:brand/ask', { config: limit(600), schema: { hide: true } }, async (req, reply) => {
      const { brand, member, chrome } = await context(req as Req);
      if (!member) return reply.redirect(`/community/${brand.slug}/signin?next=${encodeURIComponent(`/community/${brand.slug}/ask`)}`, 303);
      return send(reply, 200, askHtml(chrome, brand.settings.topics, null));
    });

    scope.post<{ Params: { brand: string } }>('/community/:brand/questions', { config: limit(30), schema: { hide: true } }, async (req, reply) => {
      const { brand, member: m, chrome } = await context(req as Req);
      const member = requireMember(req as Req, m);
      const values = { title: field(req.body, 'title'), body: field(req.body, 'body'), tags: field(req.body, 'tags'), topic: field(req.body, 'topic') };
      try {
        const r = await core.community.ask(brand, member, req.ip, { ...values, topic: values.topic || undefined });
        return reply.redirect(`${r.path}?posted=${r.status === 'held' ? 'held' : 'ok'}`, 303);
      } catch (err) {
        // A refused question comes back in its form, with what was typed.
        if (isEarshotError(err) && err.code === 'EARSHOT_VALIDATION') return send(reply, 400, askHtml(chrome, brand.settings.topics, err.message, values));
        throw err;
      }
    });

    scope.post<{ Params: { brand: string; id: string } }>('/community/:brand/questions/:id/answers', { config: limit(30), schema: { hide: true } }, async (req, reply) => {
      const { brand, member } = await context(req as Req);
      if (!Uuid.safeParse(req.params.id).success) throw new EarshotError('EARSHOT_NOT_FOUND', 'question not found');
      const r = await core.community.answer(brand, requireMember(req as Req, member), req.ip, req.params.id, { body: field(req.body, 'body') });
      return reply.redirect(`/community/${brand.slug}/questions/${req.params.id}?posted=${r.status === 'held' ? 'held' : 'ok'}#answer-${r.id}`, 303);
    });

    scope.post<{ Params: { brand: string; id: string } }>('/community/:brand/questions/:id/comments', { config: limit(30), schema: { hide: true } }, async (req, reply) => {
      const { brand, member } = await context(req as Req);
      if (!Uuid.safeParse(req.params.id).success) throw new EarshotError('EARSHOT_NOT_FOUND', 'question not found');
      const answerId = field(req.body, 'answerId');
      if (answerId && !Uuid.safeParse(answerId).success) throw new EarshotError('EARSHOT_NOT_FOUND', 'answer not found', { field: 'body.answerId' });
      const r = await core.community.comment(brand, requireMember(req as Req, member), req.ip, req.params.id, { body: field(req.body, 'body'), answerId: answerId || undefined });
      return reply.redirect(`/community/${brand.slug}/questions/${req.params.id}?posted=${r.status === 'held' ? 'held' : 'ok'}`, 303);
    });

    scope.post<{ Params: { brand: string; id: string } }>('/community/:brand/questions/:id/accept', { config: limit(60), schema: { hide: true } }, async (req, reply) => {
      const { brand, member } = await context(req as Req);
      const answerId = field(req.body, 'answerId');
      if (!Uuid.safeParse(req.params.id).success || !Uuid.safeParse(answerId).success) throw new EarshotError('EARSHOT_NOT_FOUND', 'answer not found');
      await core.community.accept(brand, requireMember(req as Req, member), req.params.id, answerId);
      return reply.redirect(`/community/${brand.slug}/questions/${req.params.id}#answer-${answerId}`, 303);
    });

    scope.post<{ Params: { brand: string } }>('/community/:brand/votes', { config: limit(120), schema: { hide: true } }, async (req, reply) => {
      const { brand, member } = await context(req as Req);
      const m = requireMember(req as Req, member);
      const targetType = field(req.body, 'targetType');
      const targetId = field(req.body, 'targetId');
      const value = field(req.body, 'value');
      if ((targetType !== 'question' && targetType !== 'answer') || !Uuid.safeParse(targetId).success || (value !== '1' && value !== '-1')) throw new EarshotError('EARSHOT_VALIDATION', 'a vote is up or down on a question or an answer', { field: 'body' });
      const r = await core.community.vote(brand, m, { targetType, targetId, value: value === '1' ? 1 : -1 });
      return reply.redirect(`/community/${brand.slug}/questions/${r.questionId}${targetType === 'answer' ? `#answer-${targetId}` : ''}`, 303);
    });

    scope.post<{ Params: { brand: string } }>('/community/:brand/reports', { config: limit(30), schema: { hide: true } }, async (req, reply) => {
      const { brand, member } = await context(req as Req);
      const m = requireMember(req as Req, member);
      const targetType = field(req.body, 'targetType');
      const targetId = field(req.body, 'targetId');
      if ((targetType !== 'question' && targetType !== 'answer' && targetType !== 'comment') || !Uuid.safeParse(targetId).success) throw new EarshotError('EARSHOT_VALIDATION', 'report a question, an answer or a comment', { field: 'body' });
      const r = await core.community.report(brand, m, { targetType, targetId, reason: field(req.body, 'reason') });
      return send(reply, 200, messageHtml({ brandName: brand.name, brandSlug: brand.slug, viewer: { displayName: m.displayName, csrfToken: m.csrfToken } }, 'Thanks for the report', 'A moderator will look at it.', { href: `/community/${brand.slug}/questions/${r.questionId}`, label: 'Back to the question' }));
    });

    scope.get<{ Params: { brand: string }; Querystring: Record<string, string | undefined> }>('/community/:brand/signin', { config: limit(120), schema: { hide: true } }, async (req, reply) => {
      const { brand, chrome } = await context(req as Req);
      return send(reply, 200, signInHtml(chrome, { next: nextPath(brand.slug, req.query.next ?? '') }));
    });

    scope.post<{ Params: { brand: string } }>('/community/:brand/signin', { config: limit(10), schema: { hide: true } }, async (req, reply) => {
      const { brand, chrome } = await context(req as Req);
      const email = field(req.body, 'email').trim();
      const displayName = field(req.body, 'displayName').trim();
      if (!z.email().max(320).safeParse(email).success) return send(reply, 400, signInHtml(chrome, { error: 'Enter a valid email address.' }));
      if (displayName.length > 60) return send(reply, 400, signInHtml(chrome, { error: 'The name is too long (at most 60 characters).' }));
      try {
        await core.communityAuth.requestLink(brand.slug, { email, displayName: displayName || undefined });
      } catch (err) {
        // No email channel, or its SMTP server refused: the customer gets a clear page, the log the reason.
        if (isEarshotError(err) && (err.code === 'EARSHOT_CONFIG' || err.code.startsWith('EARSHOT_PROVIDER_'))) {
          req.log.warn({ code: err.code, reason: err.message }, 'community sign-in link not sent');
          return send(reply, 503, signInHtml(chrome, { error: 'We could not send a sign-in email just now. Please try again later.' }));
        }
        throw err;
      }
      return send(reply, 200, signInHtml(chrome, { sent: true }));
    });

    scope.get<{ Params: { brand: string }; Querystring: Record<string, string | undefined> }>('/community/:brand/signin/verify', { config: limit(60), schema: { hide: true } }, async (req, reply) => {
      const { chrome } = await context(req as Req);
      const token = req.query.token ?? '';
      const { email } = await core.communityAuth.checkLink(req.params.brand, token);
      return send(reply, 200, confirmHtml(chrome, email, token));
    });

    scope.post<{ Params: { brand: string } }>('/community/:brand/signin/verify', { config: limit(30), schema: { hide: true } }, async (req, reply) => {
      const { sessionToken, brand } = await core.communityAuth.redeemLink(req.params.brand, field(req.body, 'token'));
      void reply.setCookie(MEMBER_COOKIE, sessionToken, { path: cookiePath(brand), httpOnly: true, sameSite: 'lax', secure: cookieSecure, maxAge: 30 * 24 * 3600 });
      return reply.redirect(`/community/${brand.slug}`, 303);
    });

    scope.get<{ Params: { brand: string } }>('/community/:brand/profile', { config: limit(120), schema: { hide: true } }, async (req, reply) => {
      const { brand, member, chrome } = await context(req as Req);
      if (!member) return reply.redirect(`/community/${brand.slug}/signin`, 303);
      return send(reply, 200, profileHtml(chrome, member.displayName, null));
    });

    scope.post<{ Params: { brand: string } }>('/community/:brand/profile', { config: limit(30), schema: { hide: true } }, async (req, reply) => {
      const { brand, member, chrome } = await context(req as Req);
      const m = requireMember(req as Req, member);
      const name = field(req.body, 'displayName').trim();
      if (!name || name.length > 60) return send(reply, 400, profileHtml(chrome, name, 'A name is 1 to 60 characters.'));
      await core.communityAuth.rename(m, name);
      return reply.redirect(`/community/${brand.slug}/profile?saved=1`, 303);
    });

    scope.post<{ Params: { brand: string } }>('/community/:brand/signout', { config: limit(60), schema: { hide: true } }, async (req, reply) => {
      const { brand, member } = await context(req as Req);
      requireMember(req as Req, member);
      await core.communityAuth.signOut(brand.id, req.cookies[MEMBER_COOKIE]);
      void reply.clearCookie(MEMBER_COOKIE, { path: cookiePath(brand) });
      return reply.redirect(`/community/${brand.slug}`, 303);
    });
  });
}
