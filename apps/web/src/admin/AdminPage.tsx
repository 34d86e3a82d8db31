import { navigate } from '../app/router';
import { useCapabilities } from '../api/hooks';
import { Empty } from '../ui/ui';
import { CannedAdmin } from './CannedAdmin';
import { ChannelsAdmin } from './ChannelsAdmin';
import { TeamsAdmin } from './TeamsAdmin';
import { TokensAdmin } from './TokensAdmin';
import { UsersAdmin } from './UsersAdmin';
import { JsonSettingAdmin } from './JsonSettingAdmin';
import { KbAdmin } from './KbAdmin';
import { WebhooksAdmin } from './WebhooksAdmin';
import { FollowupAdmin } from './FollowupAdmin';

const TABS = [
  ['channels', 'Channels'], ['teams', 'Teams & skills'], ['users', 'Users & roles'], ['tokens', 'API tokens'], ['canned', 'Canned responses'], ['kb', 'Knowledge base'],
  ['routing', 'Routing rules'], ['sla', 'SLA & business hours'], ['followup', 'Follow-up & CSAT'], ['webhooks', 'Webhooks'],
] as const;

export function AdminPage({ tab }: { tab: string }) {
  const caps = useCapabilities();
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label="Admin sections">
        <h2 className="views-title">Admin</h2>
        {TABS.map(([id, label]) => (
          <a key={id} href={`/admin/${id}`} className={`view ${tab === id ? 'on' : ''}`} aria-current={tab === id ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(`/admin/${id}`); }}>{label}</a>
        ))}
      </nav>
      <section className="admin-body">
        {tab === 'channels' ? <ChannelsAdmin /> : tab === 'teams' ? <TeamsAdmin /> : tab === 'users' ? <UsersAdmin /> : tab === 'tokens' ? <TokensAdmin /> : tab === 'canned' ? <CannedAdmin /> : tab === 'kb' ? <KbAdmin /> : tab === 'webhooks' ? <WebhooksAdmin /> : tab === 'followup' ? <FollowupAdmin />
          : tab === 'routing' ? (caps.routingRules ? <JsonSettingAdmin title="Routing rules" path="/api/v1/routing/rules" field="rules" help="Conditions → actions, evaluated in order for every inbound message." /> : <Empty icon="settings" title="Routing rules are not available on this server yet">They appear here as soon as the server offers <code>/api/v1/routing/rules</code>.</Empty>)
          : tab === 'sla' ? (caps.slaPolicy || caps.businessHours ? (
            <>
              {caps.slaPolicy ? <JsonSettingAdmin title="SLA policy" path="/api/v1/sla/policy" field="policy" help="First response, next response and resolution targets." /> : null}
              {caps.businessHours ? <JsonSettingAdmin title="Business hours" path="/api/v1/business-hours" field="hours" help="Opening hours per weekday, time zone and holidays." /> : null}
            </>
          ) : <Empty icon="clock" title="SLA policies are not available on this server yet">They appear here as soon as the server offers <code>/api/v1/sla/policy</code>.</Empty>)
          : <Empty title="Unknown section" />}
      </section>
    </div>
  );
}
