import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, IdParams, Ok, type RouteDeps } from './shared';

const noNul = (s: string) => !s.includes('\u0000');
const Status = z.enum(['visible', 'held', 'hidden']);
const Post = z.object({
  type: z.enum(['question', 'answer', 'comment']), id: z.string(), questionId: z.string(), questionTitle: z.string(), body: z.string(), status: Status, heldReason: z.string().nullable(),
  authorName: z.string(), memberId: z.string().nullable(), createdAt: z.string(), reports: z.array(z.object({ id: z.string(), reason: z.string(), createdAt: z.string() })),
});
const QuestionBase = {
  id: z.string(), title: z.string(), body: z.string(), excerpt: z.string(), tags: z.array(z.string()), topic: z.string(), status: Status, heldReason: z.string().nullable(), locked: z.boolean(),
  duplicateOf: z.string().nullable(), acceptedAnswerId: z.string().nullable(), answered: z.boolean(), escalatedAt: z.string().nullable(), conversationId: z.string().nullable(),
  kbArticleId: z.string().nullable(), score: z.number(), authorName: z.string(), memberId: z.string(), createdAt: z.string(), path: z.string(),
};
const Question = z.object({ ...QuestionBase, answers: z.number() });
const QuestionDetail = z.object({
  ...QuestionBase, answerCount: z.number(),
  answers: z.array(z.object({ id: z.string(), body: z.string(), status: Status, staff: z.boolean(), authorName: z.string(), score: z.number(), createdAt: z.string() })),
  comments: z.array(z.object({ id: z.string(), answerId: z.string().nullable(), body: z.string(), status: Status, authorName: z.string(), createdAt: z.string() })),
});
const Moderate = z.strictObject({
  action: z.enum(['approve', 'hide', 'unhide', 'lock', 'unlock', 'move', 'duplicate']),
  topic: z.string().max(40).optional(), duplicateOf: z.uuid().optional(),
});

/** The desk's community: moderation queue and actions, staff answers, staff acceptance, promotion to the knowledge base, members. */
export async function communityRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['community'];

  r.get('/api/v1/community/moderation', { schema: { tags, summary: 'Held posts (first posts, spam) and reported posts, oldest first', response: { 200: z.object({ items: z.array(Post) }), ...authErrors } } },
    async (req) => ({ items: await core.communityDesk.moderationQueue(req.can('community:moderate')) }));
  r.get('/api/v1/community/questions', {
    schema: { tags, summary: 'Questions, latest activity first', querystring: z.strictObject({ status: Status.optional(), unanswered: z.enum(['1', '0']).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }), response: { 200: z.object({ items: z.array(Question) }), ...authErrors } },
  }, async (req) => ({ items: await core.communityDesk.questions(req.can('community:moderate'), { status: req.query.status, unanswered: req.query.unanswered === '1', limit: req.query.limit }) }));
  r.get('/api/v1/community/questions/:id', { schema: { tags, summary: 'A question with every answer and comment (hidden and held too)', params: IdParams, response: { 200: QuestionDetail, ...authErrors } } },
    async (req) => core.communityDesk.question(req.can('community:moderate'), req.params.id));
  for (const target of ['questions', 'answers', 'comments'] as const) {
    r.post(`/api/v1/community/${target}/:id/moderate`, {
      schema: { tags, summary: `Moderate ${target === 'questions' ? 'a question: approve, hide, unhide, lock, unlock, move (topic), duplicate (duplicateOf)' : `a ${target.slice(0, -1)}: approve, hide, unhide`}`, params: IdParams, body: Moderate, response: { 200: Ok, ...authErrors } },
    }, async (req) => {
      await core.communityDesk.moderate(req.can('community:moderate'), target === 'questions' ? 'question' : target === 'answers' ? 'answer' : 'comment', req.params.id, req.body.action, { topic: req.body.topic, duplicateOf: req.body.duplicateOf });
      return { ok: true as const };
    });
  }
  r.post('/api/v1/community/questions/:id/answers', {
    schema: { tags, summary: 'A staff answer in the thread', params: IdParams, body: z.strictObject({ body: z.string().min(1).max(20_000).refine(noNul, 'must not contain NUL characters') }), response: { 200: z.object({ id: z.string() }), ...authErrors } },
  }, async (req) => core.communityDesk.staffAnswer(req.can('community:moderate'), req.params.id, req.body.body));
  r.post('/api/v1/community/questions/:id/accept', {
    schema: { tags, summary: 'Staff accept an answer', params: IdParams, body: z.strictObject({ answerId: z.uuid() }), response: { 200: Ok, ...authErrors } },
  }, async (req) => {
    await core.communityDesk.staffAccept(req.can('community:moderate'), req.params.id, req.body.answerId);
    return { ok: true as const };
  });
  r.post('/api/v1/community/questions/:id/promote', {
    schema: { tags, summary: 'One click: the thread becomes a draft knowledge-base article linked back to it (again: the same draft)', params: IdParams, response: { 200: z.object({ articleId: z.string(), created: z.boolean() }), ...authErrors } },
  }, async (req) => {
    const who = req.can('community:moderate');
    req.can('kb:manage');
    return core.communityDesk.promote(who, req.params.id);
  });
  r.post('/api/v1/community/reports/:id/resolve', { schema: { tags, summary: 'Dismiss a report without changing the post', params: IdParams, response: { 200: Ok, ...authErrors } } }, async (req) => {
    await core.communityDesk.resolveReport(req.can('community:moderate'), req.params.id);
    return { ok: true as const };
  });
  r.patch('/api/v1/community/members/:id', {
    schema: { tags, summary: 'Suspend or restore a member; link them to an existing contact (null unlinks)', params: IdParams, body: z.strictObject({ banned: z.boolean().optional(), contactId: z.uuid().nullable().optional() }), response: { 200: Ok, ...authErrors } },
  }, async (req) => {
    await core.communityDesk.setMember(req.can('community:moderate'), req.params.id, req.body);
    return { ok: true as const };
  });
}
