import type { ChannelKind } from '../canonical';

/** One thing a channel needs from the admin: a credential (stored encrypted) or a setting. */
export interface SetupField { key: string; label: string; secret: boolean; required: boolean; help: string }

/**
 * What each provider needs before it can be `active`, which webhook challenge it answers, and
 * whether it receives webhooks at all: the set-up wizard's questions and the server's check are
 * the same list.
 */
export interface ChannelSetupSpec { credentials: SetupField[]; settings: SetupField[]; webhook: boolean; challenge: 'x_crc' | 'meta_hub' | null }

const secret = (key: string, label: string, help: string, required = true): SetupField => ({ key, label, secret: true, required, help });
const setting = (key: string, label: string, help: string, required = false): SetupField => ({ key, label, secret: false, required, help });
const meta = (what: string): ChannelSetupSpec => ({
  credentials: [
    secret('appSecret', 'App secret', 'Meta app → Settings → Basic: signs every webhook delivery'),
    secret('verifyToken', 'Verify token', `Any random text; paste the same into the ${what} webhook subscription`),
    secret('pageAccessToken', 'Page access token', 'A long-lived Page token with messaging and comment permissions'),
  ],
  settings: [setting('apiBaseUrl', 'Graph API address', 'Leave empty for https://graph.facebook.com (demo mode: the local fake)')],
  webhook: true, challenge: 'meta_hub',
});

export const CHANNEL_SETUP: Record<ChannelKind, ChannelSetupSpec> = {
  x: {
    credentials: [
      secret('consumerSecret', 'API key secret (consumer secret)', 'X developer portal → your app → Keys and tokens: answers the CRC check and verifies signatures'),
      secret('accessToken', 'User access token (OAuth 2.0)', 'The brand account\'s token: replies and DMs are sent with it'),
      secret('bearerToken', 'App bearer token', 'Only for polling mentions', false),
    ],
    settings: [
      setting('apiBaseUrl', 'API address', 'Leave empty for https://api.x.com (demo mode: the local fake)'),
      setting('userId', 'Brand account id', 'The numeric id of the brand\'s X account; needed for polling'),
    ],
    webhook: true, challenge: 'x_crc',
  },
  facebook: meta('Page'),
  instagram: meta('Instagram'),
  email: {
    credentials: [secret('user', 'Login', 'One login for IMAP and SMTP (or imapUser/imapPass and smtpUser/smtpPass)', false), secret('pass', 'Password', 'Its password or app password', false)],
    settings: [setting('imapHost', 'IMAP host', 'Where mail is read from', true), setting('smtpHost', 'SMTP host', 'Where replies are sent through', true)],
    webhook: false, challenge: null,
  },
  api: { credentials: [], settings: [], webhook: true, challenge: null },
  feed: { credentials: [secret('authorization', 'Authorization header', 'Only when the feed needs one', false)], settings: [setting('url', 'Feed address', 'The RSS or Atom feed to read', true)], webhook: false, challenge: null },
  webchat: { credentials: [], settings: [], webhook: false, challenge: null },
  webform: { credentials: [], settings: [], webhook: false, challenge: null },
  phone: { credentials: [], settings: [], webhook: false, challenge: null },
  import: { credentials: [], settings: [], webhook: false, challenge: null },
  community: {
    credentials: [],
    settings: [
      setting('publicUrl', 'Public address', 'The address customers reach this Earshot at; sign-in links are built from it (needed before customers can sign in)'),
      setting('escalateAfterHours', 'Escalate after (hours)', 'A question without an accepted or staff answer joins the queue after this long (default 8)'),
    ],
    webhook: false, challenge: null,
  },
};

/** The required credentials and settings a channel still lacks (email also takes separate IMAP/SMTP logins). */
export function missingForChannel(kind: ChannelKind, credentialKeys: readonly string[], settings: Record<string, unknown>): string[] {
  const spec = CHANNEL_SETUP[kind];
  const has = new Set(credentialKeys);
  const missing = spec.credentials.filter((f) => f.required && !has.has(f.key)).map((f) => f.key);
  for (const f of spec.settings) if (f.required && (settings[f.key] === undefined || settings[f.key] === '' || settings[f.key] === null)) missing.push(f.key);
  return missing;
}
