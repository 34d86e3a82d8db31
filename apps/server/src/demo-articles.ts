import { systemActor, type Core } from '@earshot/core';

/**
 * Help articles of the demo brand, written for the questions in the TWCS sample (late parcels,
 * the iOS 11.1 "A [?]" bug, codes that never arrived, check-in errors, charges after cancelling,
 * outages, password resets), so the composer's suggestions show up in `npm start`.
 */
export const DEMO_ARTICLES: { title: string; slug: string; tags: string[]; body: string }[] = [
  {
    title: 'Where is my order? Tracking a late or missing delivery',
    slug: 'where-is-my-order',
    tags: ['delivery', 'orders', 'shipping'],
    body: `Most parcels arrive within the delivery window shown at checkout. If yours is late:

1. **Open the tracking page** from your order confirmation email. The courier's latest scan is shown there, usually within a few hours of the parcel moving.
2. **Parcel at the local courier for more than 2 days?** The depot is holding it, often because of a missing flat number or a failed delivery attempt. Send us the order number in a private message and we chase the courier for you.
3. **Marked as delivered but not there?** Check with neighbours and around the property, then wait until the end of the next day: couriers sometimes scan early. After that, tell us and we send a replacement or a refund.

If you paid for express or next-day delivery and the parcel arrived late, we refund the delivery charge. You do not need to ask twice: mention it once in a private message with your order number.

Please never post your address or order number publicly.`,
  },
  {
    title: 'The letter "I" turns into "A" and a question mark after the iOS 11.1 update',
    slug: 'ios-11-letter-i-question-mark',
    tags: ['ios', 'iphone', 'keyboard'],
    body: `After updating to iOS 11.1, some people find that typing a capital **I** turns into **A** followed by a box with a question mark, in Messages, Mail and social apps.

## Fix it now

Install the latest update: **Settings → General → Software Update**. iOS 11.1.1 fixes the autocorrect problem.

## Until you can update

Set up a text replacement:

1. Go to **Settings → General → Keyboard → Text Replacement** and tap **+**.
2. For **Phrase**, type an upper-case "I". For **Shortcut**, type a lower-case "i".

Messages you already sent with the symbol are not changed by the update.`,
  },
  {
    title: 'Redeemed a code but the points or game content did not arrive',
    slug: 'redeemed-code-not-received',
    tags: ['codes', 'store', 'purchases'],
    body: `Codes for points, season passes and pre-order bonuses usually show up within minutes, but can take up to **24 hours** when the store is busy.

- **Restart the console or app** and sign out and in again: the content is often there but not yet shown.
- **Check the account**: the code is added to the account that was signed in when it was redeemed. Look at your purchase history to see which one.
- **Pre-order bonus codes** are printed on the receipt or sent by email when the game is released, not when it is ordered.
- **"This code has already been used"**: keep the receipt or a photo of the card and send it to us privately; we trace it.

If the points still have not arrived after 24 hours, send us a private message with the code's last four characters and the time you redeemed it.`,
  },
  {
    title: 'Errors at online check-in or a missing booking confirmation',
    slug: 'check-in-errors-and-confirmations',
    tags: ['flights', 'check-in', 'booking'],
    body: `Online check-in opens **24 hours before departure**.

**Check-in keeps giving an error?**
- Connecting flights run by a partner airline must be checked in with that airline: use their website for the second leg.
- Names on the booking must match the passport exactly. If your surname is wrong or missing, we correct it: send us the booking reference privately.
- Try the app instead of the website (or the other way round), and clear your browser's cache.

**Only one confirmation email for two bookings?** Each booking reference gets its own email; look in your spam folder, or find every booking under *Manage my booking* with the reference and your surname.

If nothing works, check in at the airport desk: there is no charge when online check-in failed on our side.`,
  },
  {
    title: 'Still charged after cancelling: how your last bill and refunds work',
    slug: 'charged-after-cancelling',
    tags: ['billing', 'refund', 'cancellation'],
    body: `When you cancel or disconnect, your **last bill** covers the days up to the cancellation date. It can arrive a month later because bills are made at the end of each billing cycle.

If you are charged for days **after** you cancelled, or for a subscription that has expired:

1. Find the cancellation confirmation (email or reference number).
2. Send it to us in a private message with the charge's date and amount.
3. We reverse the charges within **5 working days**; your bank may take a few more days to show the refund.

We never ask for your full card number or password. If someone does, it is not us.`,
  },
  {
    title: 'Internet or mobile service down? Check for an outage',
    slug: 'service-outage',
    tags: ['outage', 'internet', 'connectivity'],
    body: `If your internet, TV or mobile data stopped working:

1. **Check the service status page** for an outage in your area. When there is one, our engineers are already on it and the page shows the expected fix time.
2. **Restart your equipment**: unplug the router or cable box for 30 seconds, then plug it back in. Turn the phone off and on.
3. **Slow speeds after changing plans?** The new plan can take up to 24 hours to apply; restart the phone after that.

No outage shown and still no service? Send us a private message with the account holder's name and the address of the service, and we run a line test with you.

Credits for outages longer than 24 hours are applied to your next bill automatically.`,
  },
  {
    title: 'Reset your password when the reset email does not arrive',
    slug: 'password-reset-email',
    tags: ['account', 'password', 'login'],
    body: `Reset emails are sent at once but can take up to **15 minutes**.

- Look in spam, junk and *Promotions* folders.
- Request **one** link and wait: each new request cancels the one before.
- Check that you typed the email address the account was created with.

**Think someone else changed your password or email (hacked)?** Send us a private message from the email address on the account. We lock the account, verify it is yours and send the reset to you directly. Do not post your email address publicly.

Afterwards, turn on two-step verification in your account settings.`,
  },
];

/** Seeds the demo brand's articles, once: a brand that has any article keeps what its people wrote. */
export async function seedDemoArticles(core: Core, brandId: string): Promise<number> {
  const any = await core.db.selectFrom('kb_articles').select('id').where('brand_id', '=', brandId).limit(1).executeTakeFirst();
  if (any) return 0;
  const actor = systemActor(brandId, 'setup');
  for (const a of DEMO_ARTICLES) await core.kb.create(actor, { ...a, status: 'published' });
  return DEMO_ARTICLES.length;
}
