import { EarshotError } from '@earshot/domain';
import type { DB, Kysely } from '@earshot/db';
import type { ChannelService } from '../channels/channel.service';
import { emailConfig } from '../channels/email/email.settings';
import { sendSmtp } from '../channels/email/smtp.sender';

export interface LinkEmail { to: string; subject: string; text: string; messageId: string }

/**
 * Sign-in links go out through the SMTP server of one of the brand's email channels (the one the
 * community's settings name, or the first active one): the same relay, login and From address as the
 * brand's replies. A brand without one cannot sign members in (a clear configuration error).
 */
export class CommunityMailer {
  constructor(private readonly db: Kysely<DB>, private readonly channels: ChannelService) {}

  async send(brandId: string, emailChannelId: string | undefined, mail: LinkEmail): Promise<void> {
    let q = this.db.selectFrom('channels').select('id').where('brand_id', '=', brandId).where('kind', '=', 'email').where('status', '=', 'active');
    if (emailChannelId) q = q.where('id', '=', emailChannelId);
    const ch = await q.orderBy('created_at').limit(1).executeTakeFirst();
    if (!ch) throw new EarshotError('EARSHOT_CONFIG', 'this community has no active email channel to send sign-in links from');
    const { ctx } = await this.channels.load(ch.id);
    const config = emailConfig(ctx);
    await sendSmtp(config.smtp, { to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId, inReplyTo: null, references: [] }, { timeoutMs: 15_000 });
  }
}
