import { useEffect, useRef, useState } from 'react';
import type { ProjectDefaults } from '../../../main/common/model/planning';
import { AWS_REGIONS, validateProjectDefaults, type DefaultsField } from '../../../main/common/assess/project-defaults';
import { useWorkbenchShallow } from '../../store';

type Draft = Record<DefaultsField, string>;

const FIELDS: { field: DefaultsField; label: string; placeholder: string; list?: boolean }[] = [
  { field: 'awsAccountId', label: 'AWS account', placeholder: '12 digits, e.g. 111122223333' },
  { field: 'awsRegion', label: 'Region', placeholder: 'e.g. eu-west-1' },
  { field: 'vpcId', label: 'VPC', placeholder: 'vpc-…' },
  { field: 'subnetId', label: 'Subnet (cutover)', placeholder: 'subnet-…' },
  { field: 'securityGroupIds', label: 'Security groups (cutover)', placeholder: 'sg-…, sg-…', list: true },
  { field: 'testSubnetId', label: 'Subnet (test launch)', placeholder: 'subnet-… (optional)' },
  { field: 'testSecurityGroupIds', label: 'Security groups (test launch)', placeholder: 'sg-… (optional)', list: true },
];

function toDraft(d: ProjectDefaults | undefined): Draft {
  const out = {} as Draft;
  for (const f of FIELDS) {
    const v = d?.[f.field];
    out[f.field] = Array.isArray(v) ? v.join(', ') : (v ?? '');
  }
  return out;
}

function fromDraft(d: Draft): ProjectDefaults {
  const out: ProjectDefaults = {};
  for (const f of FIELDS) {
    const text = d[f.field].trim();
    if (!text) continue;
    if (f.list) (out as Record<string, string[]>)[f.field] = text.split(/[\s,;]+/).filter(Boolean);
    else (out as Record<string, string>)[f.field] = text;
  }
  return out;
}

/**
 * Target account, Region and network set once for the project: every application and server without its own
 * value uses them in the plan checks, the templates, the runbook and the MGN and CMF files.
 */
export function ProjectDefaultsForm() {
  const s = useWorkbenchShallow((st) => ({
    defaults: st.document?.planning.defaults,
    save: st.projectDefaultsSaved,
    focus: st.problemFocus,
    focused: st.problemFocused,
  }));
  const [draft, setDraft] = useState<Draft>(() => toDraft(s.defaults));
  // Undo, redo or another window: show what the project now holds.
  useEffect(() => setDraft(toDraft(s.defaults)), [s.defaults]);
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (s.focus?.target !== 'defaults' || !ref.current) return;
    const el = ref.current.querySelector<HTMLInputElement>(`[data-field="${CSS.escape(s.focus.field)}"] input`);
    if (el) {
      el.scrollIntoView({ block: 'center' });
      el.focus();
    }
    s.focused();
  }, [s.focus]);
  const value = fromDraft(draft);
  const problems = validateProjectDefaults(value);
  const changed = JSON.stringify(value) !== JSON.stringify(fromDraft(toDraft(s.defaults)));
  return (
    <form
      ref={ref}
      className="defaults-form"
      aria-label="Project defaults"
      onSubmit={(e) => {
        e.preventDefault();
        if (changed) void s.save(value);
      }}
    >
      <h3>Project defaults</h3>
      <p className="muted small">Set once: every application and server without its own value uses these in the checks, templates, runbook and MGN/CMF files.</p>
      {FIELDS.map((f) => {
        const p = problems.find((x) => x.field === f.field);
        return (
          <div key={f.field} className={`form-row${p ? ' has-error' : ''}`} data-field={f.field}>
            <label className="form-label">
              <span>{f.label}</span>
              <input
                value={draft[f.field]}
                placeholder={f.placeholder}
                list={f.field === 'awsRegion' ? 'aws-regions' : undefined}
                inputMode={f.field === 'awsAccountId' ? 'numeric' : undefined}
                aria-invalid={p ? true : undefined}
                onChange={(e) => setDraft((d) => ({ ...d, [f.field]: e.target.value }))}
              />
            </label>
            {p ? (
              <p className="field-issue issue-error">
                {p.message} <span className="issue-fix">Fix: {p.fix}</span>
              </p>
            ) : null}
          </div>
        );
      })}
      <datalist id="aws-regions">
        {AWS_REGIONS.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <div className="form-actions">
        <button type="button" disabled={!changed} onClick={() => setDraft(toDraft(s.defaults))}>
          Discard
        </button>
        <button type="submit" className="primary" disabled={!changed}>
          Save defaults
        </button>
      </div>
    </form>
  );
}
