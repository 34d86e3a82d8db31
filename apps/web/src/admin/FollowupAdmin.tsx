import { useEffect, useState } from 'react';
import { DEFAULT_FOLLOWUP_TEMPLATE } from '@earshot/domain';
import { errorMessage } from '../api/client';
import { useFollowupPolicies, useSetFollowupPolicy } from '../api/care';
import { Button, Skeleton } from '../ui/ui';

/** The brand's close-the-loop policy: follow up N hours after resolution, and/or send a satisfaction survey. */
export function FollowupAdmin() {
  const policies = useFollowupPolicies();
  const save = useSetFollowupPolicy();
  const brand = policies.data?.items.find((p) => p.teamId === null);
  const [enabled, setEnabled] = useState(false);
  const [waitHours, setWaitHours] = useState(24);
  const [businessHours, setBusinessHours] = useState(true);
  const [template, setTemplate] = useState(DEFAULT_FOLLOWUP_TEMPLATE);
  const [survey, setSurvey] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!brand) return;
    setEnabled(brand.enabled); setWaitHours(brand.waitHours); setBusinessHours(brand.businessHours); setTemplate(brand.template); setSurvey(brand.survey);
  }, [brand]);
  if (!policies.data) return policies.error ? <p className="form-error" role="alert">{errorMessage(policies.error)}</p> : <Skeleton lines={4} />;
  const teams = policies.data.items.filter((p) => p.teamId !== null);
  return (
    <div className="admin-section">
      <h2>Follow-up &amp; satisfaction</h2>
      <p className="muted">After a conversation is resolved, check back with the customer in their own channel, signed by the agent who resolved it. Phone customers get a call-back task instead.</p>
      <form className="care-form" aria-label="Follow-up policy" onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate({ teamId: null, enabled, waitHours, businessHours, template, survey }, { onSuccess: () => setSaved(true) });
      }}>
        <label className="check"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Follow up after resolution</label>
        <label className="field"><span>Wait (hours)</span>
          <input type="number" min={1} max={720} value={waitHours} onChange={(e) => setWaitHours(Number(e.target.value))} aria-describedby="wait-help" />
        </label>
        <label className="check"><input type="checkbox" checked={businessHours} onChange={(e) => setBusinessHours(e.target.checked)} /> Count business hours only</label>
        <p id="wait-help" className="muted small">With business hours, a conversation resolved late on Friday is followed up during Monday's opening hours.</p>
        <label className="field"><span>Message</span>
          <textarea rows={4} maxLength={1000} value={template} onChange={(e) => setTemplate(e.target.value)} />
        </label>
        <p className="muted small">Variables: <code>{'{{first_name}}'}</code> <code>{'{{agent_name}}'}</code> <code>{'{{brand_name}}'}</code>. The agent's name is added as a signature if the message does not use it.</p>
        <label className="check"><input type="checkbox" checked={survey} onChange={(e) => setSurvey(e.target.checked)} /> Send a satisfaction survey (1–5) right after each resolution</label>
        <div className="care-actions">
          <Button type="submit" variant="primary" disabled={save.isPending || !template.trim() || waitHours < 1}>Save policy</Button>
          {saved ? <span className="muted small" role="status">Saved.</span> : null}
          {save.error ? <span className="form-error small" role="alert">{errorMessage(save.error)}</span> : null}
        </div>
      </form>
      {teams.length ? (
        <>
          <h3>Team policies</h3>
          <ul className="care-list">{teams.map((t) => <li key={t.id}><strong>{t.teamName ?? t.teamId}</strong>: {t.enabled ? `follow up after ${t.waitHours} ${t.businessHours ? 'business ' : ''}hours` : 'no follow-up'}{t.survey ? ', survey' : ''}</li>)}</ul>
        </>
      ) : null}
    </div>
  );
}
