import type { Role } from '@earshot/db';

/** Who is doing something: recorded on every audit event. */
export interface Actor {
  type: 'user' | 'token' | 'system' | 'channel';
  id: string | null;
  brandId: string;
  role?: Role;
  userId?: string | null;
  name?: string;
}

export function systemActor(brandId: string, id = 'earshot'): Actor {
  return { type: 'system', id, brandId };
}
