import { ChannelKind } from '@earshot/domain';

/**
 * The channel kind rules, capacity and SLA overrides see. An import channel stands for the
 * network it was exported from (a TWCS archive is X), so it is treated as that kind.
 */
export function effectiveChannelKind(kind: string, settings: Record<string, unknown> | null | undefined): ChannelKind {
  const identity = settings?.identityKind;
  if (kind === 'import' && typeof identity === 'string') {
    const parsed = ChannelKind.safeParse(identity);
    if (parsed.success) return parsed.data;
  }
  const own = ChannelKind.safeParse(kind);
  return own.success ? own.data : 'api';
}
