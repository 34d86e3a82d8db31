import type { FaultPlan } from './fake-faults';
import { bearerToken, type FakeRequest, type FakeResponse } from './fake-http';
import { graphError } from './meta-fake.payloads';
import type { MetaFakeState } from './meta-fake.state';

const DAY = 86_400_000;
const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'];
const PATH = /^\/(v\d+\.\d+)\/([^/]+)\/(comments|replies|messages)$/;

export interface MetaFakeAuth {
  pageAccessToken: string;
}

/** The Graph API endpoints Earshot uses, as documented: token, body checks, window rule, usage headers, errors. */
export function handleGraph(req: FakeRequest, state: MetaFakeState, faults: FaultPlan, auth: MetaFakeAuth, rateLimitCode: () => number): FakeResponse {
  const body = readBody(req);
  const token = bearerToken(req.headers) ?? req.query.get('access_token') ?? (typeof body.access_token === 'string' ? body.access_token : null);
  if (token !== auth.pageAccessToken) {
    return { status: 400, body: graphError('Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190) };
  }
  const m = PATH.exec(req.path);
  if (req.method !== 'POST' || !m) return { status: 400, body: graphError(`Unknown path components: ${req.path}`, 'OAuthException', 2500) };
  const [, , objectId = '', edge = ''] = m;

  const fault = faults.take();
  if (fault === 'outage') return { status: 500, body: graphError('Service temporarily unavailable', 'OAuthException', 2, { is_transient: true }) };
  if (fault?.kind === 'rate-limit') {
    const minutes = Math.max(1, Math.ceil(fault.resetInSeconds / 60));
    return { status: 400, headers: usageHeaders(state, 100, minutes), body: graphError('(#32) Page request limit reached', 'OAuthException', rateLimitCode(), { is_transient: true }) };
  }
  if (fault?.kind === 'status') return { status: fault.status, body: graphError(`Injected ${fault.status}`, 'OAuthException', 1, { is_transient: fault.status >= 500 }) };

  const headers = usageHeaders(state, state.recordCall(), 0);
  const res = edge === 'messages' ? sendMessage(objectId, body, state) : replyToComment(objectId, edge, body, state);
  return { ...res, headers: { ...headers, ...res.headers } };
}

function readBody(req: FakeRequest): Record<string, unknown> {
  const text = req.rawBody.toString('utf8');
  if (text === '') return {};
  if (String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function usageHeaders(state: MetaFakeState, percent: number, regainMinutes: number): Record<string, string> {
  const usage = { call_count: percent, total_cputime: Math.floor(percent / 2), total_time: Math.floor(percent / 2) };
  return {
    'x-app-usage': JSON.stringify(usage),
    'x-business-use-case-usage': JSON.stringify({ [state.pageId]: [{ type: 'pages', ...usage, estimated_time_to_regain_access: regainMinutes }] }),
  };
}

function unsupported(objectId: string): FakeResponse {
  return {
    status: 400,
    body: graphError(
      `Unsupported post request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      'GraphMethodException',
      100,
      { error_subcode: 33 },
    ),
  };
}

function replyToComment(objectId: string, edge: string, body: Record<string, unknown>, state: MetaFakeState): FakeResponse {
  const parent = state.comments.get(objectId);
  const platformEdge = parent?.platform === 'facebook' ? 'comments' : 'replies';
  if (!parent || edge !== platformEdge) return unsupported(objectId);
  if (typeof body.message !== 'string' || body.message.trim() === '') {
    return { status: 400, body: graphError('(#100) The parameter message is required', 'OAuthException', 100) };
  }
  const brandId = parent.platform === 'facebook' ? state.pageId : state.igUserId;
  // Replies stay one level deep: answering a reply lands under its top-level comment.
  const top = parent.parentId ?? parent.id;
  const reply = state.addComment({ platform: parent.platform, objectId: parent.objectId, parentId: top, fromId: brandId, text: body.message });
  state.sent.push({ kind: 'comment-reply', platform: parent.platform, id: reply.id, parentCommentId: objectId, text: body.message });
  return { status: 200, body: { id: reply.id } };
}

function sendMessage(objectId: string, body: Record<string, unknown>, state: MetaFakeState): FakeResponse {
  if (objectId !== 'me' && objectId !== state.pageId && objectId !== state.igUserId) return unsupported(objectId);
  const recipient = body.recipient as { id?: unknown } | undefined;
  const message = body.message as { text?: unknown } | undefined;
  const type = body.messaging_type;
  const tag = typeof body.tag === 'string' ? body.tag : null;
  if (typeof type !== 'string' || !MESSAGING_TYPES.includes(type)) {
    return { status: 400, body: graphError('(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}', 'OAuthException', 100) };
  }
  if (type === 'MESSAGE_TAG' && !tag) return { status: 400, body: graphError('(#100) Param tag is required when messaging_type is MESSAGE_TAG', 'OAuthException', 100) };
  if (typeof message?.text !== 'string' || message.text === '') return { status: 400, body: graphError('(#100) The parameter message[text] is required', 'OAuthException', 100) };
  const person = typeof recipient?.id === 'string' ? state.people.get(recipient.id) : undefined;
  if (!person) return { status: 400, body: graphError('(#100) No matching user found', 'OAuthException', 100, { error_subcode: 2018001 }) };
  const age = person.lastMessageAt === null ? Number.POSITIVE_INFINITY : state.now() - person.lastMessageAt;
  const allowed = type === 'MESSAGE_TAG' ? (tag === 'HUMAN_AGENT' ? age <= 7 * DAY : person.platform === 'facebook') : age <= DAY;
  if (!allowed) {
    return { status: 400, body: graphError('(#10) This message is sent outside of allowed window.', 'OAuthException', 10, { error_subcode: 2018278 }) };
  }
  const id = `m_${state.nextNumber()}${Math.random().toString(36).slice(2, 10)}`;
  state.sent.push({ kind: 'message', id, recipientId: person.id, messagingType: type, tag, text: message.text });
  return { status: 200, body: { recipient_id: person.id, message_id: id } };
}
