import { systemActor, startSmtpServer, type Core, type SmtpTestServer } from '@earshot/core';

/** A mailbox server for sign-in links: accepts mail for any of `mailboxes` and keeps it. */
export async function startLinkSmtp(mailboxes: string[]): Promise<SmtpTestServer> {
  return startSmtpServer({ deliver: async () => undefined, mailboxes, auth: { user: 'support', pass: 'secret' } });
}

/** The brand's email channel (SMTP at the test server) and its community channel. */
export async function setUpCommunity(core: Core, brandId: string, smtp: SmtpTestServer, settings: Record<string, unknown>): Promise<{ communityChannelId: string; emailChannelId: string }> {
  const actor = systemActor(brandId, 'test');
  const email = await core.channels.create(actor, {
    kind: 'email', name: 'Support email', credentials: { user: 'support', pass: 'secret' },
    settings: { fromAddress: 'support@brand.test', imapHost: '127.0.0.1', imapPort: 1, imapSecurity: 'none', smtpHost: smtp.host, smtpPort: smtp.port, smtpSecurity: 'none' },
  });
  // The email channel is only the link sender here: no polling of its (absent) IMAP server.
  await core.db.deleteFrom('jobs').where('brand_id', '=', brandId).where('name', '=', 'channel.poll').execute();
  const community = await core.channels.create(actor, { kind: 'community', name: 'Community', settings: { emailChannelId: email.channel.id, ...settings } });
  return { communityChannelId: community.channel.id, emailChannelId: email.channel.id };
}

/** The sign-in link in the newest mail to `to` (the raw message, quoted-printable soft breaks undone). */
export function linkFromMail(smtp: SmtpTestServer, to: string): string {
  const mail = [...smtp.received].reverse().find((m) => m.to.includes(to));
  if (!mail) throw new Error(`no mail to ${to}`);
  const raw = mail.raw.toString('utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const m = /(https?:\/\/\S+\/signin\/verify\?token=[A-Za-z0-9_-]{43})/.exec(raw);
  if (!m?.[1]) throw new Error('no sign-in link in the mail');
  return m[1];
}

export const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

/**
 * A community with one member's question, an answer, a comment and a report, written through the
 * services (no email): for the route walks. Returns the ids.
 */
export async function seedCommunity(core: Core, brandId: string, title: string): Promise<{ question: string; answer: string; comment: string; report: string; member: string }> {
  const actor = systemActor(brandId, 'test');
  await core.channels.create(actor, { kind: 'community', name: 'Community', settings: { holdFirstPosts: false, publicUrl: 'http://127.0.0.1:9' } });
  const brand = await core.db.selectFrom('brands').select('slug').where('id', '=', brandId).executeTakeFirstOrThrow();
  const cb = await core.community.brand(brand.slug);
  const member = async (email: string) => {
    const m = await core.db.insertInto('community_members').values({ brand_id: brandId, email, display_name: email.split('@')[0] ?? 'm', trusted_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    return { id: m.id, brandId, displayName: email, email, csrfToken: 'x', trusted: true, banned: false };
  };
  const asker = await member(`asker@${brand.slug}.test`);
  const helper = await member(`helper@${brand.slug}.test`);
  const q = await core.community.ask(cb, asker, '10.9.0.1', { title, body: `${title} body` });
  const ans = await core.community.answer(cb, helper, '10.9.0.2', q.id, { body: `${title} answer` });
  const c = await core.community.comment(cb, asker, '10.9.0.1', q.id, { body: `${title} comment` });
  await core.community.report(cb, asker, { targetType: 'answer', targetId: ans.id, reason: 'check this' });
  const report = await core.db.selectFrom('community_reports').select('id').where('brand_id', '=', brandId).executeTakeFirstOrThrow();
  return { question: q.id, answer: ans.id, comment: c.id, report: report.id, member: asker.id };
}
