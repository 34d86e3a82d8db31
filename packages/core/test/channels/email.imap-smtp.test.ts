import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from 'nodemailer';
import { isEarshotError, type CanonicalMessage } from '@earshot/domain';
import type { ChannelContext, OutboundMessage } from '../../src/channels/driver';
import {
  emailDriver,
  parseEmail,
  pollEmailChannel,
  pollImap,
  outboundMessageId,
  type ImapPollState,
} from '../../src/channels/email';
import { startImapServer, freePort, type ImapTestServer } from '../../src/channels/testing/email-imap.server';
import { startSmtpServer, type SmtpTestServer } from '../../src/channels/testing/email-smtp.server';

const SUPPORT = 'support@brand.test';
const CUSTOMER = 'jane@customer.test';
const PASSWORDS = { [SUPPORT]: 'support-imap-pass', [CUSTOMER]: 'jane-imap-pass' };

let imap: ImapTestServer;
let smtp: SmtpTestServer;
let ctx: ChannelContext;

beforeAll(async () => {
  imap = await startImapServer(PASSWORDS);
  smtp = await startSmtpServer({
    mailboxes: [SUPPORT, CUSTOMER],
    auth: { user: SUPPORT, pass: 'support-smtp-pass' },
    deliver: (rcpt, raw) => imap.deliver(rcpt.toLowerCase(), raw),
  });
  ctx = {
    channelId: 'channel-1',
    brandId: 'brand-1',
    credentials: { imapUser: SUPPORT, imapPass: PASSWORDS[SUPPORT], smtpUser: SUPPORT, smtpPass: 'support-smtp-pass' },
    settings: {
      fromAddress: SUPPORT,
      fromName: 'Brand Support',
      imapHost: imap.host,
      imapPort: imap.port,
      imapSecurity: 'none',
      smtpHost: smtp.host,
      smtpPort: smtp.port,
      smtpSecurity: 'none',
    },
  };
});

afterAll(async () => {
  await smtp?.stop();
  await imap?.stop();
});

/** The customer's mail client: composes with nodemailer and submits to the loopback SMTP server. */
async function customerSends(mail: Parameters<ReturnType<typeof createTransport>['sendMail']>[0]): Promise<void> {
  const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, logger: false });
  try {
    await transport.sendMail({ from: 'Jane Doe <Jane.Doe@Customer.test>', to: SUPPORT, ...mail });
  } finally {
    transport.close();
  }
}

let supportState: ImapPollState | null = null;
/** One poll of the support mailbox, carrying the poller state between tests like the poll job does. */
async function pollSupport(): Promise<{ id: string; message: CanonicalMessage }[]> {
  const result = await pollEmailChannel(ctx, supportState);
  supportState = result.state;
  // Through JSON, as inbound_events stores the payload (jsonb), before the driver normalizes it.
  const stored = result.events.map((e) => ({ id: e.providerEventId, payload: JSON.parse(JSON.stringify(e.payload)) as unknown }));
  return stored.map((e) => ({ id: e.id, message: emailDriver.normalize(e.payload, ctx)[0] as CanonicalMessage }));
}

function reply(over: Partial<OutboundMessage>): OutboundMessage {
  return {
    messageId: 'msg-out-1',
    idempotencyKey: 'deliver:msg-out-1',
    text: 'Hi Jane, your parcel left our depot this morning.\n\nSam, Brand Support',
    visibility: 'private',
    replyToProviderId: null,
    threadKey: null,
    recipient: { externalId: CUSTOMER, email: CUSTOMER },
    ...over,
  };
}

async function sendError(msg: OutboundMessage, context: ChannelContext = ctx): Promise<unknown> {
  return (emailDriver.send as NonNullable<typeof emailDriver.send>)(msg, context).then(
    () => null,
    (err: unknown) => err,
  );
}

const send = (msg: OutboundMessage) => (emailDriver.send as NonNullable<typeof emailDriver.send>)(msg, ctx);

describe('email channel over real IMAP (Dovecot) and SMTP servers on loopback', () => {
  let first: CanonicalMessage;

  it('fetches a customer email over IMAP and parses its threading fields, quoted history and attachment', async () => {
    await customerSends({
      subject: 'Re: Order 1234 never arrived',
      messageId: '<reply-2@customer.test>',
      inReplyTo: '<answer-1@brand.test>',
      references: ['<order-1234@customer.test>', '<answer-1@brand.test>'],
      text: [
        'It still has not arrived. Tracking says delivered but nothing is here.',
        '',
        'On Tue, 4 Jun 2024 at 10:12, Brand Support <support@brand.test> wrote:',
        '> We are sorry to hear that. Could you send us your order number?',
        '> Thanks',
      ].join('\n'),
      attachments: [{ filename: 'doorstep.jpg', content: Buffer.alloc(2048, 7), contentType: 'image/jpeg' }],
    });

    const events = await pollSupport();
    expect(events).toHaveLength(1);
    const [event] = events;
    first = event!.message;
    expect(event!.id).toBe('<reply-2@customer.test>');
    expect(first).toMatchObject({
      providerMessageId: '<reply-2@customer.test>',
      replyToProviderId: '<answer-1@brand.test>',
      references: ['<order-1234@customer.test>', '<answer-1@brand.test>'],
      threadKey: '<order-1234@customer.test>',
      direction: 'inbound',
      visibility: 'private',
      subject: 'Re: Order 1234 never arrived',
      author: { externalId: 'jane.doe@customer.test', displayName: 'Jane Doe', email: 'Jane.Doe@customer.test' },
      attachments: [{ name: 'doorstep.jpg', contentType: 'image/jpeg', size: 2048 }],
    });
    expect(first.text).toBe('It still has not arrived. Tracking says delivered but nothing is here.');
  });

  it('returns nothing new on the next poll (UID state) and keeps the same state', async () => {
    const before = supportState;
    expect(await pollSupport()).toEqual([]);
    expect(supportState).toEqual(before);
  });

  it('reduces an HTML-only email to text without scripts, styles, tags or the Gmail quote', async () => {
    await customerSends({
      subject: 'Refund',
      messageId: '<html-1@customer.test>',
      html: [
        '<html><head><style>p { color: red }</style><script>alert("owned")</script></head><body>',
        '<p>I want a <b>refund</b> for order 99.</p><img src="https://tracker.example/pixel.gif">',
        '<script type="text/javascript">document.cookie</script>',
        '<div class="gmail_quote">On Mon, 3 Jun 2024, Support wrote:<blockquote>old text</blockquote></div>',
        '</body></html>',
      ].join(''),
    });
    const [event] = await pollSupport();
    const text = event!.message.text;
    expect(text).toBe('I want a refund for order 99.');
    expect(text).not.toMatch(/[<>]|alert|cookie|color|old text/);
    expect(event!.message.threadKey).toBe('<html-1@customer.test>');
  });

  it('trims an Outlook-style quoted history', async () => {
    await customerSends({
      subject: 'RE: Invoice',
      messageId: '<outlook-1@customer.test>',
      text: [
        'Please cancel the second invoice.',
        '',
        '-----Original Message-----',
        'From: Brand Support <support@brand.test>',
        'Sent: Monday, June 3, 2024 9:00 AM',
        'Subject: Invoice',
        '',
        'Here are your invoices.',
      ].join('\r\n'),
    });
    const [event] = await pollSupport();
    expect(event!.message.text).toBe('Please cancel the second invoice.');
  });

  it('sends a reply over SMTP that threads under the customer message in their mailbox', async () => {
    const result = await send(
      reply({ replyToProviderId: first.providerMessageId, references: first.references ?? [], subject: first.subject, threadKey: first.threadKey ?? null }),
    );
    const expectedId = outboundMessageId('deliver:msg-out-1', SUPPORT);
    expect(result.providerMessageIds).toEqual([expectedId]);

    // Read it back the way the customer's client would: from Jane's own IMAP mailbox.
    const inbox = await pollImap({ host: imap.host, port: imap.port, security: 'none', mailbox: 'INBOX', auth: { user: CUSTOMER, pass: PASSWORDS[CUSTOMER] } }, null);
    expect(inbox.messages).toHaveLength(1);
    const received = await parseEmail(inbox.messages[0]!.source);
    expect(received).toMatchObject({
      providerMessageId: expectedId,
      replyToProviderId: '<reply-2@customer.test>',
      references: ['<order-1234@customer.test>', '<answer-1@brand.test>', '<reply-2@customer.test>'],
      threadKey: '<order-1234@customer.test>',
      subject: 'Re: Order 1234 never arrived',
      author: { externalId: SUPPORT, displayName: 'Brand Support' },
    });
    expect(received.text).toContain('your parcel left our depot');
    expect(smtp.received.at(-1)?.to).toEqual([CUSTOMER]);
  });

  it('gives a retried send the same Message-ID, so the duplicate is recognisable', async () => {
    const again = await send(reply({ replyToProviderId: first.providerMessageId, subject: first.subject }));
    expect(again.providerMessageIds).toEqual([outboundMessageId('deliver:msg-out-1', SUPPORT)]);
    const other = await send(reply({ idempotencyKey: 'deliver:msg-out-2', replyToProviderId: first.providerMessageId }));
    expect(other.providerMessageIds[0]).not.toBe(again.providerMessageIds[0]);
  });

  it('maps an SMTP outage to EARSHOT_PROVIDER_UNAVAILABLE and delivers once the server is back', async () => {
    const outage = reply({ idempotencyKey: 'deliver:msg-outage', text: 'Sent during an outage', replyToProviderId: first.providerMessageId });
    const before = smtp.received.length;
    await smtp.stop();
    const err = await sendError(outage);
    expect(isEarshotError(err) && err.code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    expect(JSON.stringify(err) + String(err)).not.toContain('support-smtp-pass');

    await smtp.start();
    const ok = await send(outage);
    expect(ok.providerMessageIds).toEqual([outboundMessageId('deliver:msg-outage', SUPPORT)]);
    expect(smtp.received.length).toBe(before + 1);
    expect(smtp.received.at(-1)?.raw.toString()).toContain('Sent during an outage');
  });

  it('maps a 4xx reply to EARSHOT_PROVIDER_UNAVAILABLE and a 5xx reply to EARSHOT_PROVIDER_REJECTED', async () => {
    smtp.setPolicy(() => ({ code: 451, message: '4.7.1 Greylisted, try again later' }));
    try {
      const transient = await sendError(reply({ idempotencyKey: 'deliver:grey' }));
      expect(isEarshotError(transient) && transient.code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    } finally {
      smtp.setPolicy(null);
    }
    const permanent = await sendError(reply({ idempotencyKey: 'deliver:unknown', recipient: { externalId: 'nobody@customer.test', email: 'nobody@customer.test' } }));
    expect(isEarshotError(permanent) && permanent.code).toBe('EARSHOT_PROVIDER_REJECTED');
    expect(isEarshotError(permanent) && permanent.message).toContain('No such user');
  });

  it('rejects a wrong SMTP password permanently, without echoing it', async () => {
    const wrong = { ...ctx, credentials: { ...ctx.credentials, smtpPass: 'not-the-password' } };
    const err = await sendError(reply({ idempotencyKey: 'deliver:auth' }), wrong);
    expect(isEarshotError(err) && err.code).toBe('EARSHOT_PROVIDER_REJECTED');
    expect(String(err) + JSON.stringify(err)).not.toContain('not-the-password');
  });

  it('refetches from the start when UIDVALIDITY changed, and splits large backlogs into batches', async () => {
    const stale = await pollEmailChannel(ctx, { uidValidity: '1', lastUid: 9999 }, { batchSize: 2 });
    expect(stale.events.map((e) => e.providerEventId)).toEqual(['<reply-2@customer.test>', '<html-1@customer.test>']);
    expect(stale.more).toBe(true);
    const rest = await pollEmailChannel(ctx, stale.state, { batchSize: 2 });
    expect(rest.events.map((e) => e.providerEventId)).toEqual(['<outlook-1@customer.test>']);
    expect(rest.more).toBe(false);
    expect(rest.state).toEqual(supportState);
  });

  it('maps a bad IMAP login to EARSHOT_PROVIDER_REJECTED and an unreachable server to EARSHOT_PROVIDER_UNAVAILABLE', async () => {
    const badLogin = await pollEmailChannel({ ...ctx, credentials: { ...ctx.credentials, imapPass: 'wrong' } }, null).catch((e: unknown) => e);
    expect(isEarshotError(badLogin) && badLogin.code).toBe('EARSHOT_PROVIDER_REJECTED');
    const closedPort = await freePort();
    const down = await pollEmailChannel({ ...ctx, settings: { ...ctx.settings, imapPort: closedPort } }, null).catch((e: unknown) => e);
    expect(isEarshotError(down) && down.code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
  });

  it('refuses webhook deliveries: email arrives over IMAP', () => {
    const req = { method: 'POST', headers: {}, query: {}, rawBody: Buffer.from('{}') };
    expect(() => emailDriver.verify(req, ctx)).toThrow(expect.objectContaining({ code: 'EARSHOT_VALIDATION' }));
  });
});
