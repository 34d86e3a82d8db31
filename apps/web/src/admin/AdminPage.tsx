import { navigate } from '../app/router';
import { useSession } from '../app/session';
import type { Permission } from '../api/types';
import { Empty } from '../ui/ui';
import { BrandAdmin } from './BrandAdmin';
import { BrandsAdmin } from './BrandsAdmin';
import { CannedAdmin } from './CannedAdmin';
import { ChannelsAdmin } from './ChannelsAdmin';
import { CrmHookAdmin } from './CrmHookAdmin';
import { TeamsAdmin } from './TeamsAdmin';
import { TokensAdmin } from './TokensAdmin';
import { UsersAdmin } from './UsersAdmin';
import { JsonSettingAdmin } from './JsonSettingAdmin';
import { KbAdmin } from './KbAdmin';
import { SlaAdmin } from './SlaAdmin';
import { WebhooksAdmin } from './WebhooksAdmin';
import { CommunityAdmin } from './CommunityAdmin';
import { FollowupAdmin } from './FollowupAdmin';

// Each section and who may open it (`operator`: operators of the installation only).
const TABS: [string, string, Permission | 'operator' | null][] = [
  ['brand', 'Brand', 'brand:manage'], ['channels', 'Channels', null], ['crm', 'CRM look-up', 'channel:manage'], ['teams', 'Teams & skills', null], ['users', 'Users & roles', null], ['tokens', 'API tokens', 'token:manage'],
  ['canned', 'Canned responses', null], ['kb', 'Knowledge base', null], ['community', 'Community', 'community:moderate'], ['routing', 'Routing rules', 'routing:manage'], ['sla', 'SLA & business hours', 'sla:manage'], ['followup', 'Follow-up & CSAT', 'sla:manage'],
  ['webhooks', 'Webhooks', 'webhook:manage'], ['brands', 'All brands', 'operator'],
];

export function AdminPage({ tab }: { tab: string }) {
  const { can, me } = useSession();
  const visible = TABS.filter(([, , p]) => p === null || (p === 'operator' ? !!me?.user.operator : can(p)));
  const open = visible.some(([id]) => id === tab) ? tab : null;
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label="Admin sections">
        <h2 className="views-title">Admin</h2>
        {visible.map(([id, label]) => (
          <a key={id} href={`/admin/${id}`} className={`view ${tab === id ? 'on' : ''}`} aria-current={tab === id ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(`/admin/${id}`); }}>{label}</a>
        ))}
      </nav>
      <section className="admin-body">
        {open === 'brand' ? <BrandAdmin /> : open === 'brands' ? <BrandsAdmin />
          : open === 'crm' ? <CrmHookAdmin />
          : open === 'channels' ? <ChannelsAdmin /> : open === 'teams' ? <TeamsAdmin /> : open === 'users' ? <UsersAdmin /> : open === 'tokens' ? <TokensAdmin /> : open === 'canned' ? <CannedAdmin /> : open === 'kb' ? <KbAdmin /> : open === 'community' ? <CommunityAdmin /> : open === 'webhooks' ? <WebhooksAdmin /> : open === 'followup' ? <FollowupAdmin />
          : open === 'routing' ? <JsonSettingAdmin title="Routing rules" path="/api/v1/routing/rules" field="rules" help="Conditions → actions, evaluated in order for every inbound message." />
          : open === 'sla' ? <SlaAdmin />
          : <Empty title="Unknown section">This section does not exist or your role cannot open it.</Empty>}
      </section>
    </div>
  );
}
