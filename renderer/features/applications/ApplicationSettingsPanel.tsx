import { useEffect, useRef, useState } from 'react';
import { formatKnownNetwork, parseKnownNetwork, type Application } from '../../../main/common/model/planning';
import type { ApplicationPatch } from '../../../main/common/model/planning-edits';
import { useWorkbenchShallow } from '../../store';

/** Per-application settings: name, wave, VPC, account/region, CloudFormation role, tags and replication. */
export function ApplicationSettingsPanel({ app }: { app: Application }) {
  const { waves, network, defaults, save, remove, addWave, saveNetwork, focus, focused } = useWorkbenchShallow((s) => ({
    waves: s.document?.planning.waves,
    defaults: s.document?.planning.defaults,
    network: s.document?.planning.network,
    save: s.applicationSettingsSaved,
    remove: s.applicationDeleted,
    addWave: s.waveAdded,
    saveNetwork: s.knownNetworkSaved,
    focus: s.problemFocus,
    focused: s.problemFocused,
  }));
  const formRef = useRef<HTMLFormElement>(null);
  // A problem of the application's own account, Region or VPC, opened from a list: land on the field.
  useEffect(() => {
    if (focus?.target !== 'application' || !formRef.current) return;
    formRef.current.querySelector<HTMLElement>(`[data-field="${CSS.escape(focus.field)}"] input`)?.focus();
    focused();
  }, [focus]);
  const [newWave, setNewWave] = useState('');
  const [networkText, setNetworkText] = useState(formatKnownNetwork(network));
  useEffect(() => setNetworkText(formatKnownNetwork(network)), [network]);
  const parsedNetwork = parseKnownNetwork(networkText);
  const networkChanged = networkText.trim() !== formatKnownNetwork(network).trim();
  const [patch, setPatch] = useState<ApplicationPatch>({});
  useEffect(() => setPatch({}), [app.id]);
  const v = { ...app, ...patch } as Application & ApplicationPatch;
  const set = (k: keyof ApplicationPatch, val: unknown) => setPatch((p) => ({ ...p, [k]: val }));
  const opt = (k: keyof ApplicationPatch) => (e: { target: { value: string } }) => set(k, e.target.value.trim() ? e.target.value.trim() : null);
  const rep = v.replication;
  const setRep = (r: Partial<Application['replication']>) => set('replication', { ...rep, ...r });
  const changed = Object.keys(patch).length > 0;
  return (
    <form
      ref={formRef}
      className="settings-form"
      aria-label="Application settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (changed) void save(app.id, patch).then((ok) => ok && setPatch({}));
      }}
    >
      <div className="settings-title">
        <h2>{app.name}</h2>
        <span className="muted small">Application settings</span>
      </div>
      <label className="form-label">
        <span>Name</span>
        <input value={v.name} onChange={(e) => set('name', e.target.value)} />
      </label>
      <label className="form-label">
        <span>Description</span>
        <textarea rows={2} value={v.description ?? ''} onChange={(e) => set('description', e.target.value)} />
      </label>
      <div className="form-grid">
        <label className="form-label">
          <span>Wave</span>
          <select value={v.waveId ?? ''} onChange={(e) => set('waveId', e.target.value || null)}>
            <option value="">No wave</option>
            {(waves ?? []).map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <div className="form-label">
          <span>New wave</span>
          <div className="path-row">
            <input aria-label="New wave name" value={newWave} placeholder="Wave 4 — …" onChange={(e) => setNewWave(e.target.value)} />
            <button
              type="button"
              aria-label="Add wave"
              disabled={!newWave.trim()}
              onClick={() =>
                void addWave(newWave.trim()).then((id) => {
                  if (id) {
                    set('waveId', id);
                    setNewWave('');
                  }
                })
              }
            >
              Add
            </button>
          </div>
        </div>
        <label className="form-label" data-field="vpcId">
          <span>VPC</span>
          <input value={v.vpcId ?? ''} onChange={opt('vpcId')} placeholder={defaults?.vpcId ? `${defaults.vpcId} (project default)` : 'vpc-…'} />
        </label>
        <label className="form-label" data-field="awsAccountId">
          <span>AWS account</span>
          <input value={v.awsAccountId ?? ''} onChange={opt('awsAccountId')} placeholder={defaults?.awsAccountId ? `${defaults.awsAccountId} (project default)` : '123456789012'} />
        </label>
        <label className="form-label" data-field="awsRegion">
          <span>Region</span>
          <input value={v.awsRegion ?? ''} onChange={opt('awsRegion')} placeholder={defaults?.awsRegion ? `${defaults.awsRegion} (project default)` : 'eu-west-1'} />
        </label>
      </div>
      <label className="form-label">
        <span>CloudFormation role ARN</span>
        <input value={v.cloudFormationRole ?? ''} onChange={opt('cloudFormationRole')} placeholder="arn:aws:iam::…:role/…" />
      </label>
      <h3>Replication</h3>
      <div className="form-grid">
        <label className="form-label">
          <span>Frequency</span>
          <select value={String(rep.frequency)} onChange={(e) => setRep({ frequency: e.target.value === 'one-time' ? 'one-time' : Number(e.target.value) })}>
            <option value="one-time">One-time</option>
            {[1, 2, 4, 6, 8, 12, 24].map((h) => (
              <option key={h} value={h}>
                Every {h} h
              </option>
            ))}
          </select>
        </label>
        <label className="form-label">
          <span>AMIs to keep</span>
          <input inputMode="numeric" value={rep.amisToKeep} onChange={(e) => setRep({ amisToKeep: Math.max(1, Math.min(100, Number(e.target.value) || 1)) })} />
        </label>
        <label className="form-label">
          <span>License</span>
          <select value={rep.licenseType} onChange={(e) => setRep({ licenseType: e.target.value as 'AWS' | 'BYOL' | 'Auto' })}>
            <option value="Auto">Auto</option>
            <option value="AWS">AWS (license included)</option>
            <option value="BYOL">Bring your own</option>
          </select>
        </label>
        <label className="form-label">
          <span>Encryption KMS key</span>
          <input value={rep.kmsKeyId ?? ''} onChange={(e) => setRep({ encrypted: !!e.target.value || rep.encrypted, ...(e.target.value ? { kmsKeyId: e.target.value } : { kmsKeyId: undefined }) })} placeholder="AWS managed key" />
        </label>
      </div>
      <p className="muted small">Replicated snapshots and AMIs are always encrypted: with this key, else the account’s default EBS key. Turning it off is a per-server choice (mwb replicate --no-encryption) that the export and runbook call out.</p>
      <h3>Known network (whole project)</h3>
      <label className="form-label">
        <span>Subnets and security groups with their VPC, one per line (subnet-… vpc-… name). Lets the plan check that a server's subnet and security groups are in the same VPC.</span>
        <textarea className="mono" rows={4} aria-label="Known network" value={networkText} placeholder={'subnet-0a1b2c3d4e5f60002 vpc-0abc12345678def01 app-a\nsg-0123456789abcdef0 vpc-0abc12345678def01 web'} onChange={(e) => setNetworkText(e.target.value)} />
      </label>
      {parsedNetwork.rejected.length ? <p className="field-issue issue-error">Not understood: {parsedNetwork.rejected.slice(0, 3).join('; ')}. Fix: write an ID (subnet-… or sg-…) then its vpc-… ID.</p> : null}
      <button type="button" className="align-start" disabled={!networkChanged || parsedNetwork.rejected.length > 0} onClick={() => void saveNetwork(parsedNetwork.network)}>
        Save known network ({parsedNetwork.network.subnets.length} subnets, {parsedNetwork.network.securityGroups.length} security groups)
      </button>
      <div className="form-actions">
        <button type="button" className="danger-link" onClick={() => void remove(app.id)}>
          Delete application
        </button>
        <span className="spacer" />
        <button type="button" onClick={() => setPatch({})} disabled={!changed}>
          Discard
        </button>
        <button type="submit" className="primary" disabled={!changed}>
          Save
        </button>
      </div>
    </form>
  );
}
