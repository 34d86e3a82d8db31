import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CareTaskView, CsatAnswerInput, CsatGroupBy, CsatReport, CsatSurveyView, FollowupPolicyInput, FollowupPolicyView, FollowupView, isEarshotError, type CsatReportRow } from '@earshot/domain';
import { CSAT_LOW_SCORE } from '@earshot/domain';
import { CSAT_CSP, invalidHtml, surveyHtml, thanksHtml } from './csat.page';
import { authErrors, IdParams, type RouteDeps } from './shared';

const Care = z.object({ surveys: z.array(CsatSurveyView), tasks: z.array(CareTaskView), followups: z.array(FollowupView) });
const Policies = z.object({ items: z.array(FollowupPolicyView) });
const Outcome = z.string().trim().min(1).max(2000).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
const ReportQuery = z.strictObject({ groupBy: CsatGroupBy.default('agent'), from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional(), format: z.enum(['json', 'csv']).default('json') });

/** A CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r']/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csatCsv(r: CsatReport): string {
  const head = ['group', 'key', 'sent', 'answered', 'response_rate', 'average_score', 'csat', 'score_1', 'score_2', 'score_3', 'score_4', 'score_5'];
  const line = (x: CsatReportRow) => [x.label, x.key, x.sent, x.answered, x.responseRate, x.averageScore, x.csat, ...x.scores].map(cell).join(',');
  return [head.join(','), ...r.rows.map(line), line(r.total)].join('\r\n') + '\r\n';
}

/** Parses a posted survey form (application/x-www-form-urlencoded) into the answer's shape. */
function formAnswer(body: unknown): unknown {
  if (!(body instanceof URLSearchParams)) return null; // the page posts forms only
  return { score: body.get('score') ?? undefined, comment: body.get('comment') ?? undefined, reasons: body.getAll('reasons') };
}

/** Closing the loop: follow-up policies, the public survey page, a conversation's surveys, follow-ups and tasks, the task queue, the report. */
export async function csatRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['satisfaction'];

  r.get('/api/v1/conversations/:id/care', { schema: { tags, summary: 'The conversation\'s satisfaction surveys (with answers) and care tasks', params: IdParams, response: { 200: Care, ...authErrors } } },
    async (req) => {
      const who = req.can('conversation:read');
      const care = await core.csat.care(who, req.params.id);
      return { ...care, followups: await core.followups.followups(who, req.params.id) };
    });
  r.get('/api/v1/followup-policies', { schema: { tags, summary: 'Close-the-loop policies: the brand\'s and each team\'s (follow-up wait, template, survey)', response: { 200: Policies, ...authErrors } } },
    async (req) => ({ items: await core.followups.policies(req.can('conversation:read')) }));
  r.put('/api/v1/followup-policies', {
    schema: { tags, summary: 'Set the brand\'s (teamId null) or a team\'s follow-up policy', body: FollowupPolicyInput, response: { 200: Policies, ...authErrors } },
  }, async (req) => ({ items: await core.followups.setPolicy(req.can('sla:manage'), req.body) }));
  r.get('/api/v1/tasks', {
    schema: {
      tags, summary: 'Care tasks (follow-up after a low score, call-backs), soonest due first; ?assignee=me for mine',
      querystring: z.strictObject({ assignee: z.union([z.literal('me'), z.uuid()]).optional(), status: z.enum(['open', 'done']).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }),
      response: { 200: z.object({ items: z.array(CareTaskView) }), ...authErrors },
    },
  }, async (req) => ({ items: await core.csat.tasks(req.can('conversation:read'), req.query) }));
  r.post('/api/v1/tasks/:id/complete', {
    schema: { tags, summary: 'Mark a care task done with its outcome', params: IdParams, body: z.strictObject({ outcome: Outcome }), response: { 200: CareTaskView, ...authErrors } },
  }, async (req) => core.csat.completeTask(req.can('conversation:update'), req.params.id, req.body.outcome));
  r.get('/api/v1/reports/csat', {
    schema: { tags, summary: 'Satisfaction by agent, team, channel or public/private, with response rate (surveys sent in [from, to); default the last 30 days); ?format=csv', querystring: ReportQuery, response: { 200: z.union([CsatReport, z.string()]), ...authErrors } },
  }, async (req, reply) => {
    const report = await core.csat.report(req.can('analytics:read'), req.query);
    if (req.query.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="csat-by-${report.groupBy}.csv"`).send(csatCsv(report));
    }
    return report;
  });

  // The public survey page: no session; the token in the path is the only key. Forms post here, no script.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => done(null, new URLSearchParams(String(body))));
    const html = (reply: FastifyReply, status: number, body: string) => reply.status(status).header('content-security-policy', CSAT_CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
    const fail = (reply: FastifyReply, err: unknown) => {
      if (isEarshotError(err) && err.code === 'EARSHOT_SURVEY_EXPIRED') return html(reply, 410, invalidHtml('expired'));
      if (isEarshotError(err) && err.code === 'EARSHOT_SURVEY_NOT_FOUND') return html(reply, 404, invalidHtml('not_found'));
      throw err;
    };
    const Params = z.object({ token: z.string().max(200) });
    scope.get('/csat/:token', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
      const { token } = Params.parse(req.params);
      try {
        return html(reply, 200, surveyHtml(`/csat/${token}`, await core.csat.publicSurvey(token)));
      } catch (err) { return fail(reply, err); }
    });
    scope.post('/csat/:token', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
      const { token } = Params.parse(req.params);
      const action = `/csat/${token}`;
      try {
        const survey = await core.csat.publicSurvey(token);
        const parsed = CsatAnswerInput.safeParse(formAnswer(req.body));
        if (!parsed.success) return html(reply, 400, surveyHtml(action, survey, { error: 'Please pick a rating from 1 to 5.' }));
        const saved = await core.csat.answer(token, parsed.data);
        // A low score first answered without reasons: ask for them (the answer is already stored).
        if (parsed.data.score <= CSAT_LOW_SCORE && (parsed.data.reasons ?? []).length === 0 && !(req.body instanceof URLSearchParams && req.body.has('step'))) {
          return html(reply, 200, surveyHtml(action, saved, { askReasons: true }).replace('</form>', '<input type="hidden" name="step" value="reasons"></form>'));
        }
        return html(reply, 200, thanksHtml(action, saved, saved.taskOpened));
      } catch (err) { return fail(reply, err); }
    });
  });
}
