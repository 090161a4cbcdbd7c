import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LaunchSettings } from '../../../main/common/model/planning';
import { emptyLaunchSettings } from '../../../main/common/model/planning';
import type { LaunchSettingsPatch } from '../../../main/common/model/planning-edits';
import type { PlanIssue } from '../../../main/common/assess/plan-validation';
import { sourceArchitecture } from '../../../main/common/model/instance-types';
import { useWorkbenchShallow } from '../../store';
import { InstanceTypePicker } from './InstanceTypePicker';
import { formatDistribution, label } from '../../ui/format';
import { groupIssues, selectPlacements, selectPlanIssues, selectServersById } from './planning.selectors';
import { effectiveApplication } from '../../../main/common/assess/project-defaults';

const MIXED = Symbol('mixed');
type Key = keyof LaunchSettingsPatch;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function listText(v: string[] | undefined): string {
  return (v ?? []).join(', ');
}
function parseList(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}
function tagsText(t: Record<string, string> | undefined): string {
  return Object.entries(t ?? {}).map(([k, v]) => `${k}=${v}`).join('\n');
}
function parseTags(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Names every server an issue is about (a bulk selection shows one line per kind of issue). */
function FieldIssues({ issues, names }: { issues: PlanIssue[]; names: ReadonlyMap<string, string> }) {
  if (!issues.length) return null;
  return (
    <>
      {groupIssues(issues).map((g) => {
        const first = g.issues[0]!;
        const who = [...new Set(g.issues.map((i) => names.get(i.serverId ?? '') ?? i.serverId ?? ''))];
        // Several servers: name them all (up to five), and say what each has without naming only the first.
        const firstName = who[0] ?? '';
        const what = who.length > 1 && first.message.startsWith(firstName) ? first.message.slice(firstName.length).replace(/^:\s*/, '').trim() : first.message;
        return (
          <p key={`${g.severity}:${g.code}`} className={`field-issue issue-${g.severity}`} role={g.severity === 'error' ? 'alert' : undefined}>
            {who.length > 1 ? `${who.length} servers: ${who.slice(0, 5).join(', ')}${who.length > 5 ? ` and ${who.length - 5} more` : ''} — ` : ''}
            {what} <span className="issue-fix">Fix: {first.fix}</span>
          </p>
        );
      })}
    </>
  );
}

function Row({ label, children, issues, hint, field }: { label: string; children: ReactNode; issues: PlanIssue[]; hint?: string; field?: string }) {
  const names = useNames();
  return (
    <div className={`form-row${issues.some((i) => i.severity === 'error') ? ' has-error' : ''}`} data-field={field ?? issues[0]?.field}>
      <label className="form-label">
        <span>{label}</span>
        {children}
      </label>
      {hint ? <span className="muted small">{hint}</span> : null}
      <FieldIssues issues={issues} names={names} />
    </div>
  );
}

function useNames(): ReadonlyMap<string, string> {
  const servers = useWorkbenchShallow((st) => ({ m: st.document ? selectServersById(st.document.inventory.servers, undefined) : null })).m;
  return useMemo(() => new Map([...(servers ?? new Map()).values()].map((x) => [x.id, x.name])), [servers]);
}

/** Launch settings of the selected server(s): one form, bulk when several are selected (only changed fields apply). */
export function LaunchSettingsPanel() {
  const s = useWorkbenchShallow((st) => ({
    doc: st.document,
    selected: st.selectedServerIds,
    catalog: st.instanceTypes,
    apply: st.launchSettingsApplied,
    sizeToFit: st.serversSizedToFit,
    focus: st.problemFocus,
    focused: st.problemFocused,
  }));
  const formRef = useRef<HTMLFormElement>(null);
  // A problem opened elsewhere (Export list, board): land on its field.
  useEffect(() => {
    if (s.focus?.target !== 'launch' || !formRef.current) return;
    const row = formRef.current.querySelector(`[data-field="${CSS.escape(s.focus.field)}"]`);
    const el = row?.querySelector<HTMLElement>('input:not([disabled]), select, textarea, button') ?? formRef.current.querySelector<HTMLElement>('input, select');
    if (el) {
      row?.scrollIntoView({ block: 'center' });
      el.focus();
    }
    s.focused();
  }, [s.focus, s.selected.join('|')]);
  const [patch, setPatch] = useState<LaunchSettingsPatch>({});
  const selectionKey = s.selected.join('|');
  useEffect(() => setPatch({}), [selectionKey]);
  const doc = s.doc;
  const servers = doc ? selectServersById(doc.inventory.servers, undefined) : null;
  const chosen = useMemo(() => s.selected.map((id) => servers?.get(id)).filter((x) => x !== undefined), [s.selected, servers]);
  const settings: LaunchSettings[] = chosen.map((srv) => doc?.planning.launchSettings[srv.id] ?? emptyLaunchSettings());
  const issues = doc ? s.selected.flatMap((id) => selectPlanIssues(doc, s.catalog).byServer.get(id) ?? []) : [];
  const placements = doc ? selectPlacements(doc.planning, undefined) : null;
  if (!doc || chosen.length === 0) {
    return <p className="muted panel-empty">Select one or more servers (in the list or a group) to edit how they launch on EC2.</p>;
  }
  const single = chosen.length === 1;
  const first = chosen[0]!;
  const app = placements?.get(first.id) ? doc.planning.applications.find((a) => a.id === placements.get(first.id)!.applicationId) : undefined;
  const unplaced = chosen.filter((c) => !placements?.has(c.id)).length;

  const common = <K extends keyof LaunchSettings>(k: K): LaunchSettings[K] | typeof MIXED => {
    const v = settings[0]![k];
    return settings.every((x) => same(x[k], v)) ? v : MIXED;
  };
  const shown = <K extends Key & keyof LaunchSettings>(k: K): LaunchSettings[K] | typeof MIXED | null => (k in patch ? (patch[k] as LaunchSettings[K] | null) : common(k));
  const text = (k: Key & keyof LaunchSettings): string => {
    const v = shown(k);
    return v === MIXED || v === null || v === undefined ? '' : String(v);
  };
  const ph = (k: Key & keyof LaunchSettings, fallback = '') => (shown(k) === MIXED ? '(mixed)' : fallback);
  const set = (k: Key, v: unknown) => setPatch((p) => ({ ...p, [k]: v }));
  const setText = (k: Key) => (e: { target: { value: string } }) => set(k, e.target.value.trim() === '' ? null : e.target.value.trim());
  const fieldIssues = (...fields: string[]) => issues.filter((i) => i.field && fields.includes(i.field));
  const windows = chosen.every((c) => c.os.family === 'windows');
  const need = single ? { vcpu: first.cpu.vcpus, memoryGiB: first.memoryMiB / 1024, arch: sourceArchitecture(first.os) } : undefined;
  const bool = (k: 'associatePublicIp' | 'volumeEncrypted') => {
    const v = shown(k);
    return v === MIXED ? 'mixed' : v === true ? 'yes' : v === false ? 'no' : '';
  };
  const changed = Object.keys(patch).length;
  const script = shown('configScript');
  const sg = shown('securityGroupIds');
  const tsg = shown('testSecurityGroupIds');
  const tags = shown('tags');

  return (
    <form
      ref={formRef}
      className="settings-form"
      aria-label="Launch settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (changed) void s.apply(s.selected, patch).then((ok) => ok && setPatch({}));
      }}
    >
      <div className="settings-title">
        <h2>{single ? first.name : `${chosen.length} servers`}</h2>
        <span className="muted small">
          {single ? `${first.os.configured ?? label('osFamily', first.os.family)} · ${first.cpu.vcpus} vCPU · ${Math.round(first.memoryMiB / 1024)} GiB` : 'Bulk edit: only the fields you change are applied to every selected server.'}
        </span>
        {unplaced ? <p className="muted small">{unplaced === chosen.length ? 'Not in an application yet: drag into a launch group to plan its launch.' : `${unplaced} of them are not in an application yet.`}</p> : null}
      </div>

      <h3>Instance</h3>
      {single ? (
        <Row label="Logical ID" field="logicalId" issues={fieldIssues('logicalId')} hint="Name of the instance in the template; derived from the server name when empty.">
          <input value={text('logicalId')} onChange={setText('logicalId')} placeholder="derived from the name" />
        </Row>
      ) : null}
      <Row label="Instance type" field="instanceType" issues={fieldIssues('instanceType')} {...(shown('instanceType') === MIXED ? { hint: `${formatDistribution(settings.map((x) => x.instanceType), ['type', 'types'])}. Choose one to set it on all.` } : {})}>
        <InstanceTypePicker value={text('instanceType')} placeholder={shown('instanceType') === MIXED ? 'Each keeps its own type' : ph('instanceType', 'Choose a type')} catalog={s.catalog} need={need} region={app ? effectiveApplication(app, doc.planning.defaults).awsRegion : doc.planning.defaults?.awsRegion} windows={windows} invalid={fieldIssues('instanceType').some((i) => i.severity === 'error')} onChange={(t) => set('instanceType', t)} />
      </Row>
      <button type="button" className="link-button align-start" disabled={!s.catalog.length} onClick={() => void s.sizeToFit(s.selected)} title="Cheapest current-generation type with at least the allocated vCPUs and memory, priced for the OS">
        Size {single ? 'it' : `each of the ${chosen.length}`} to the cheapest fitting type
      </button>
      <Row label="AMI ID" field="amiId" issues={fieldIssues('amiId')}>
        <input value={text('amiId')} onChange={setText('amiId')} placeholder={ph('amiId', 'ami-… (the replicated image)')} />
      </Row>
      <div className="form-grid">
        <Row label="Key pair" field="keyName" issues={fieldIssues('keyName')}>
          <input value={text('keyName')} onChange={setText('keyName')} placeholder={ph('keyName', 'none')} />
        </Row>
        <Row label="Tenancy" field="tenancy" issues={fieldIssues('tenancy')}>
          <select value={text('tenancy')} onChange={(e) => set('tenancy', e.target.value || null)}>
            <option value="">{shown('tenancy') === MIXED ? '(mixed)' : 'Shared (default)'}</option>
            <option value="dedicated">Dedicated instance</option>
            <option value="host">Dedicated host</option>
          </select>
        </Row>
      </div>
      <Row label="IAM instance profile" field="iamInstanceProfile" issues={fieldIssues('iamInstanceProfile')}>
        <input value={text('iamInstanceProfile')} onChange={setText('iamInstanceProfile')} placeholder={ph('iamInstanceProfile', 'none')} />
      </Row>

      <h3>Network (cutover)</h3>
      <Row label="Subnet" field="subnetId" issues={fieldIssues('subnetId')}>
        <input value={text('subnetId')} onChange={setText('subnetId')} placeholder={ph('subnetId', 'subnet-…')} />
      </Row>
      <Row label="Security groups" field="securityGroupIds" issues={fieldIssues('securityGroupIds')}>
        <input value={sg === MIXED ? '' : listText(sg ?? [])} onChange={(e) => set('securityGroupIds', parseList(e.target.value))} placeholder={sg === MIXED ? '(mixed)' : 'sg-…, sg-…'} />
      </Row>
      <div className="form-grid">
        <Row label="Private IP" field="privateIpAddress" issues={fieldIssues('privateIpAddress')}>
          <input value={single ? text('privateIpAddress') : ''} disabled={!single} onChange={setText('privateIpAddress')} placeholder={single ? 'from the subnet' : 'one per server'} />
        </Row>
        <Row label="Public IP" field="associatePublicIp" issues={fieldIssues('associatePublicIp')}>
          <select value={bool('associatePublicIp')} onChange={(e) => set('associatePublicIp', e.target.value === '' ? null : e.target.value === 'yes')}>
            {bool('associatePublicIp') === 'mixed' ? <option value="mixed" disabled>(mixed)</option> : null}
            <option value="">Subnet default</option>
            <option value="yes">Assign public IP</option>
            <option value="no">No public IP</option>
          </select>
        </Row>
      </div>
      <Row label="" field="elasticIp" issues={fieldIssues('elasticIp')}>
        <span className="check-inline">
          <input type="checkbox" aria-label="Elastic IP" checked={shown('elasticIp') === true} onChange={(e) => set('elasticIp', e.target.checked ? true : null)} /> Allocate an Elastic IP
        </span>
      </Row>

      <h3>Network (test launch)</h3>
      <Row label="Test subnet" field="testSubnetId" issues={fieldIssues('testSubnetId')}>
        <input value={text('testSubnetId')} onChange={setText('testSubnetId')} placeholder={ph('testSubnetId', 'same as cutover')} />
      </Row>
      <Row label="Test security groups" field="testSecurityGroupIds" issues={fieldIssues('testSecurityGroupIds')}>
        <input value={tsg === MIXED ? '' : listText(tsg ?? [])} onChange={(e) => set('testSecurityGroupIds', parseList(e.target.value))} placeholder={tsg === MIXED ? '(mixed)' : 'same as cutover'} />
      </Row>

      <h3>Root volume</h3>
      <div className="form-grid three">
        <Row label="Type" field="volumeType" issues={fieldIssues('volumeType')}>
          <select value={text('volumeType')} onChange={(e) => set('volumeType', e.target.value || null)}>
            <option value="">{shown('volumeType') === MIXED ? '(mixed)' : 'From image'}</option>
            {['gp3', 'gp2', 'io1', 'io2', 'standard'].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Row>
        <Row label="Size (GiB)" field="volumeSizeGiB" issues={fieldIssues('volumeSizeGiB')}>
          <input inputMode="numeric" value={text('volumeSizeGiB')} onChange={(e) => set('volumeSizeGiB', e.target.value ? Number(e.target.value) : null)} placeholder={ph('volumeSizeGiB', 'image size')} />
        </Row>
        <Row label="IOPS" field="volumeIops" issues={fieldIssues('volumeIops')}>
          <input inputMode="numeric" value={text('volumeIops')} onChange={(e) => set('volumeIops', e.target.value ? Number(e.target.value) : null)} placeholder={ph('volumeIops', '—')} />
        </Row>
      </div>
      <div className="form-grid">
        <Row label="Encrypted" field="volumeEncrypted" issues={fieldIssues('volumeEncrypted')}>
          <select value={bool('volumeEncrypted')} onChange={(e) => set('volumeEncrypted', e.target.value === '' ? null : e.target.value === 'yes')}>
            {bool('volumeEncrypted') === 'mixed' ? <option value="mixed" disabled>(mixed)</option> : null}
            <option value="">As the image</option>
            <option value="yes">Encrypted</option>
            <option value="no">Not encrypted</option>
          </select>
        </Row>
        <Row label="KMS key" field="volumeKmsKeyId" issues={fieldIssues('volumeKmsKeyId')}>
          <input value={text('volumeKmsKeyId')} onChange={setText('volumeKmsKeyId')} placeholder={ph('volumeKmsKeyId', 'AWS managed key')} />
        </Row>
      </div>

      <h3>First boot</h3>
      <Row label="Configuration script" field="configScript" issues={fieldIssues('configScript')} hint="Runs once at first boot (user data). With the WaitCondition launch order it runs before the next group starts.">
        <select
          value={script === MIXED ? 'mixed' : script ? script.kind : ''}
          onChange={(e) => set('configScript', e.target.value === '' ? null : { kind: e.target.value as 'shell' | 'powershell', content: script && script !== MIXED ? script.content : '' })}
          aria-label="Script kind"
        >
          {script === MIXED ? <option value="mixed" disabled>(mixed)</option> : null}
          <option value="">None</option>
          <option value="shell">Shell (Linux)</option>
          <option value="powershell">PowerShell (Windows)</option>
        </select>
      </Row>
      {script && script !== MIXED ? (
        <textarea className="script-editor mono" aria-label="Script" rows={6} value={script.content} onChange={(e) => set('configScript', { kind: script.kind, content: e.target.value })} spellCheck={false} />
      ) : null}
      <Row label="Tags (key=value per line)" field="tags" issues={fieldIssues('tags')}>
        <textarea rows={3} className="mono" value={tags === MIXED ? '' : tagsText(tags ?? {})} placeholder={tags === MIXED ? '(mixed)' : 'Owner=ops'} onChange={(e) => set('tags', parseTags(e.target.value))} />
      </Row>

      <div className="form-actions">
        <button type="button" onClick={() => setPatch({})} disabled={!changed}>
          Discard
        </button>
        <button type="submit" className="primary" disabled={!changed}>
          Apply to {chosen.length} server{chosen.length === 1 ? '' : 's'}
        </button>
      </div>
    </form>
  );
}
