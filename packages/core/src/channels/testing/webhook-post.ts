import { shuffled } from './seeded-random';

export interface SignedDelivery {
  /** The exact bytes that were signed. */
  body: Buffer;
  headers: Record<string, string>;
}

export interface DeliveryOutcome {
  status: number;
  body: string;
}

/** POST one signed delivery, `times` times with identical bytes (a provider retrying = a duplicate). */
export async function postDelivery(url: string, delivery: SignedDelivery, times = 1): Promise<DeliveryOutcome[]> {
  const out: DeliveryOutcome[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...delivery.headers }, body: new Uint8Array(delivery.body) });
    out.push({ status: res.status, body: await res.text() });
  }
  return out;
}

export type DeliveryOrder = 'as-given' | 'reverse' | { shuffleSeed: number };

/** POST several deliveries one after another in the chosen order (providers do not promise order). */
export async function postDeliveries(url: string, deliveries: SignedDelivery[], order: DeliveryOrder = 'as-given'): Promise<DeliveryOutcome[]> {
  const list = order === 'as-given' ? deliveries : order === 'reverse' ? [...deliveries].reverse() : shuffled(deliveries, order.shuffleSeed);
  const out: DeliveryOutcome[] = [];
  for (const d of list) out.push(...(await postDelivery(url, d)));
  return out;
}
