import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTransport } from 'nodemailer';
import { sql } from '@earshot/db';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';
import { startImapServer, type ImapTestServer } from '../../../packages/core/src/channels/testing/email-imap.server';
import { startSmtpServer, type SmtpTestServer } from '../../../packages/core/src/channels/testing/email-smtp.server';

const SUPPORT = 'support@brand.test';
const CUSTOMER = 'jane@customer.test';
const IMAP_PASS = 'support-imap-pass-7f3a';
const SMTP_PASS = 'support-smtp-pass-91c2';

// Email end to end: Dovecot (IMAP) and smtp-server (SMTP) on loopback, the channel created through the API,
// mail fetched by the channel.poll job and answered through the message.deliver job.
describeEachDb('email channel end to end', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let agent: Session;
  let imap: ImapTestServer;
  let smtp: SmtpTestServer;
  let channelId = '';

  const drain = () => t.core.worker().drain();
  const pollNow = () => sql`update jobs set run_at = now() where key = ${`poll:${channelId}`} and state = 'queued'`.execute(t.core.db);
  const releaseDeliveries = () => sql`update jobs set run_at = now() where name = 'message.deliver' and state = 'queued'`.execute(t.core.db);
  const byProviderId = (id: string) => t.core.db.selectFrom('messages').selectAll().where('channel_id', '=', channelId).where('provider_message_id', '=', id).execute();
  const mailTo = (address: string, marker: string) => smtp.received.filter((m) => m.to.includes(address) && m.raw.toString('utf8').includes(marker));
  async function customerSends(mail: { subject: string; text: string; messageId: string; inReplyTo?: string; references?: string[] }): Promise<void> {
    const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, logger: false });
    try {
      await transport.sendMail({ from: 'Jane Doe <jane@customer.test>', to: SUPPORT, ...mail });
    } finally {
      transport.close();
    }
  }

  beforeAll(async () => {
    imap = await startImapServer({ [SUPPORT]: IMAP_PASS, [CUSTOMER]: 'jane-pass' });
    smtp = await startSmtpServer({ mailboxes: [SUPPORT, CUSTOMER], auth: { user: SUPPORT, pass: SMTP_PASS }, deliver: (rcpt, raw) => imap.deliver(rcpt.toLowerCase(), raw) });
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'mailbrand');
    const admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    const created = await as(t.app, admin)('POST', '/api/v1/channels', {
      kind: 'email', name: 'Support mailbox',
      credentials: { imapUser: SUPPORT, imapPass: IMAP_PASS, smtpUser: SUPPORT, smtpPass: SMTP_PASS },
      settings: { fromAddress: SUPPORT, fromName: 'Brand Support', imapHost: imap.host, imapPort: imap.port, imapSecurity: 'none', smtpHost: smtp.host, smtpPort: smtp.port, smtpSecurity: 'none' },
    });
    expect(created.statusCode).toBe(200);
    expect(created.body).not.toContain(IMAP_PASS);
    channelId = created.json<{ channel: { id: string } }>().channel.id;
  });
  afterAll(async () => {
    await t?.drop();
    await smtp?.stop();
    await imap?.stop();
  });

  let convId = '';
  it('fetches a customer email from Dovecot into a conversation, once', async () => {
    await customerSends({ subject: 'Order 1234 never arrived', text: 'Hello, my order 1234 never arrived. Can you help?', messageId: '<order-1234@customer.test>' });
    await drain();
    const [m] = await byProviderId('<order-1234@customer.test>');
    expect(m).toMatchObject({ direction: 'inbound', visibility: 'private', text: 'Hello, my order 1234 never arrived. Can you help?' });
    convId = m?.conversation_id ?? '';
    const conv = await t.core.db.selectFrom('conversations').select(['subject']).where('id', '=', convId).executeTakeFirstOrThrow();
    expect(conv.subject).toBe('Order 1234 never arrived');
    // The next poll finds nothing new; forgetting the cursor re-fetches, and ingest still stores it once.
    await pollNow();
    await drain();
    await sql`delete from channel_state where channel_id = ${channelId}`.execute(t.core.db);
    await pollNow();
    await drain();
    expect(await byProviderId('<order-1234@customer.test>')).toHaveLength(1);
  });

  let ourMessageId = '';
  it('sends the agent\'s reply over SMTP threaded with In-Reply-To and References, and threads the answer back', async () => {
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Hi Jane, your parcel left our depot this morning.', visibility: 'private' });
    const messageId = res.json<{ id: string }>().id;
    await drain();
    const [mail] = mailTo(CUSTOMER, 'your parcel left our depot');
    const raw = mail?.raw.toString('utf8') ?? '';
    expect(raw).toMatch(/^In-Reply-To: <order-1234@customer\.test>/m);
    expect(raw).toMatch(/^References: <order-1234@customer\.test>/m);
    expect(raw).toMatch(/^Subject: Re: Order 1234 never arrived/m);
    const sent = await t.core.db.selectFrom('messages').select(['delivery_status', 'provider_message_id']).where('id', '=', messageId).executeTakeFirstOrThrow();
    ourMessageId = sent.provider_message_id ?? '';
    expect(sent.delivery_status).toBe('sent');
    expect(raw).toContain(`Message-ID: ${ourMessageId}`);

    await customerSends({ subject: 'Re: Order 1234 never arrived', text: 'Thanks, it just arrived!', messageId: '<thanks@customer.test>', inReplyTo: ourMessageId, references: ['<order-1234@customer.test>', ourMessageId] });
    await pollNow();
    await drain();
    expect((await byProviderId('<thanks@customer.test>'))[0]?.conversation_id).toBe(convId);
  });

  it('survives an SMTP outage: the reply waits, then goes out once after the server is back', async () => {
    await smtp.stop();
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Glad to hear it, Jane!', visibility: 'private' });
    const messageId = res.json<{ id: string }>().id;
    await drain();
    expect((await t.core.db.selectFrom('messages').select('delivery_status').where('id', '=', messageId).executeTakeFirstOrThrow()).delivery_status).toBe('sending');
    await smtp.start();
    await releaseDeliveries();
    await drain();
    expect(mailTo(CUSTOMER, 'Glad to hear it')).toHaveLength(1);
    expect((await t.core.db.selectFrom('messages').select('delivery_status').where('id', '=', messageId).executeTakeFirstOrThrow()).delivery_status).toBe('sent');
  });

  it('keeps the mailbox passwords out of the database in clear', async () => {
    const dump = JSON.stringify([
      await t.core.db.selectFrom('channels').selectAll().where('id', '=', channelId).execute(),
      await t.core.db.selectFrom('jobs').selectAll().execute(),
      await t.core.db.selectFrom('audit_events').selectAll().execute(),
      await t.core.db.selectFrom('channel_state').selectAll().execute(),
    ]);
    expect(dump).not.toContain(IMAP_PASS);
    expect(dump).not.toContain(SMTP_PASS);
  });
});
