import { CanonicalMessage, EarshotError } from '@earshot/domain';
import { FeedItem } from './feed.item';

/**
 * Who wrote the item. A profile URI or an email identifies a person; a bare display name does not
 * (two "John"s on one review site are different customers), so such authors stay anonymous per item.
 */
function author(item: FeedItem): CanonicalMessage['author'] {
  const a = item.author;
  const externalId = a?.uri ?? a?.email?.toLowerCase() ?? `anonymous:${item.id}`;
  return { externalId: externalId.slice(0, 512), handle: null, displayName: a?.name?.slice(0, 512) ?? null, email: a?.email ?? null };
}

/** A stored feed item → one public canonical message. Pure. */
export function normalizeFeedItem(payload: unknown): CanonicalMessage[] {
  const parsed = FeedItem.safeParse(payload);
  if (!parsed.success) {
    const field = `payload.${parsed.error.issues[0]?.path.join('.') ?? ''}`;
    throw new EarshotError('EARSHOT_VALIDATION', 'Feed event payload has an unexpected shape', { field });
  }
  const item = parsed.data;
  return [
    CanonicalMessage.parse({
      providerMessageId: item.id,
      threadKey: item.inReplyTo ?? item.id,
      replyToProviderId: item.inReplyTo,
      direction: 'inbound',
      visibility: 'public',
      author: author(item),
      text: item.text.length > 0 ? item.text : (item.title ?? ''),
      subject: item.title?.slice(0, 1000) ?? null,
      sentAt: item.publishedAt ?? item.updatedAt ?? item.fetchedAt,
    }),
  ];
}
