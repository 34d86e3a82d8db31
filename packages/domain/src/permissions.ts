/** Roles within a brand, from most to least powerful. */
export const Roles = ['admin', 'supervisor', 'agent', 'agency_agent', 'viewer'] as const;
export type RoleName = (typeof Roles)[number];

export const Permissions = [
  'conversation:read', 'conversation:assign', 'conversation:update', 'conversation:reply', 'conversation:note', 'conversation:approve',
  'contact:read', 'contact:update', 'contact:merge',
  'channel:read', 'channel:manage',
  'team:read', 'team:manage', 'user:read', 'user:manage', 'token:manage',
  'audit:read', 'triage:correct', 'triage:manage', 'routing:manage', 'sla:manage', 'analytics:read',
  'kb:read', 'kb:manage', 'webhook:manage', 'community:moderate', 'brand:manage',
] as const;
export type Permission = (typeof Permissions)[number];

const read: Permission[] = ['conversation:read', 'contact:read', 'team:read', 'user:read', 'channel:read', 'analytics:read', 'kb:read'];
const work: Permission[] = [...read, 'conversation:assign', 'conversation:update', 'conversation:reply', 'conversation:note', 'contact:update', 'triage:correct'];
// Community moderation (hide, lock, approve, staff answers) is brand staff's work: not agencies', not viewers'.
const moderate: Permission[] = ['community:moderate'];

export const RolePermissions: Record<RoleName, ReadonlySet<Permission>> = {
  admin: new Set(Permissions),
  supervisor: new Set<Permission>([...work, 'conversation:approve', 'contact:merge', 'team:manage', 'audit:read', 'routing:manage', 'sla:manage', 'triage:manage', 'kb:manage', ...moderate]),
  agent: new Set<Permission>([...work, 'conversation:approve', 'contact:merge', ...moderate]),
  // Agency agents work the queue but their public replies wait for a brand agent's approval.
  agency_agent: new Set<Permission>([...work]),
  viewer: new Set<Permission>(read),
};

export function roleCan(role: RoleName, p: Permission): boolean {
  return RolePermissions[role].has(p);
}

/** API token scopes are permissions; a token can never do more than its scopes. */
export function isPermission(s: string): s is Permission {
  return (Permissions as readonly string[]).includes(s);
}
