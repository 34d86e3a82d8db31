import { z } from 'zod';
import { CanonicalMessage, EarshotError } from '@earshot/domain';
import type { ChannelDriver } from '../driver';
import { parsePayload } from '../shared/parse';
import { apiDriver } from './api.driver';

/** An imported record: the canonical message, and the archive's own row when the import keeps it. */
const ImportEvent = z.strictObject({ id: z.string().min(1).max(600), message: CanonicalMessage.strict(), record: z.record(z.string(), z.unknown()).optional() });

/** Archive imports: events are stored by the import service, never received over HTTP. */
export const importDriver: ChannelDriver = {
  kind: 'import',
  verify() {
    throw new EarshotError('EARSHOT_FORBIDDEN', 'import channels do not accept webhooks; use the import command or API');
  },
  split: apiDriver.split,
  normalize: (payload) => [parsePayload(ImportEvent, payload, 'import event').message],
};
