import { EarshotError } from '@earshot/domain';
import type { ChannelDriver } from '../driver';
import { apiDriver } from './api.driver';

/** Archive imports: events are stored by the import service, never received over HTTP. */
export const importDriver: ChannelDriver = {
  kind: 'import',
  verify() {
    throw new EarshotError('EARSHOT_FORBIDDEN', 'import channels do not accept webhooks; use the import command or API');
  },
  split: apiDriver.split,
  normalize: apiDriver.normalize,
};
