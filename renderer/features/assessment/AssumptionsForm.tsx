import { useEffect, useState } from 'react';
import { ASSESSMENT_REGIONS, type AssessmentAssumptions, type AssessmentAssumptionsPatch, type FamilyClass } from '../../../main/common/model/assessment';

const FAMILY_LABEL: Record<FamilyClass, string> = { general: 'General purpose', compute: 'Compute optimized', memory: 'Memory optimized' };

/** The assumptions; every change is one undoable edit and the screen recomputes at once. */
export function AssumptionsForm({ value, onChange }: { value: AssessmentAssumptions; onChange(patch: AssessmentAssumptionsPatch): void }) {
  const [headroom, setHeadroom] = useState(String(value.headroomPct));
  useEffect(() => setHeadroom(String(value.headroomPct)), [value.headroomPct]);
  const headroomValid = /^\d{1,3}$/.test(headroom) && Number(headroom) <= 200;
  const commitHeadroom = () => {
    if (headroomValid && Number(headroom) !== value.headroomPct) onChange({ headroomPct: Number(headroom) });
  };
  const toggleFamily = (f: FamilyClass, on: boolean) => {
    const next = on ? [...new Set([...value.families, f])] : value.families.filter((x) => x !== f);
    if (next.length) onChange({ families: next });
  };
  return (
    <section className="panel assumptions" aria-label="Assumptions">
      <h2>Assumptions</h2>
      <div className="assumption-grid">
        <label className="form-label">
          <span>Region</span>
          <select value={value.region} onChange={(e) => onChange({ region: e.target.value as AssessmentAssumptions['region'] })} aria-label="Region">
            {ASSESSMENT_REGIONS.map((r) => <option key={r} value={r}>{r === 'us-east-1' ? 'US East (N. Virginia) us-east-1' : 'Europe (Ireland) eu-west-1'}</option>)}
          </select>
        </label>
        <label className="form-label">
          <span>Pricing</span>
          <select value={value.pricingModel} onChange={(e) => onChange({ pricingModel: e.target.value as AssessmentAssumptions['pricingModel'] })} aria-label="Pricing">
            <option value="on-demand">On-Demand, always on</option>
            <option value="on-demand-business-hours">On-Demand, business hours only</option>
          </select>
        </label>
        <label className="form-label">
          <span>Headroom (%)</span>
          <input
            type="number"
            min={0}
            max={200}
            value={headroom}
            aria-label="Headroom percent"
            aria-invalid={!headroomValid}
            onChange={(e) => setHeadroom(e.target.value)}
            onBlur={commitHeadroom}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitHeadroom();
            }}
          />
          {!headroomValid ? <span className="field-error">A whole number from 0 to 200.</span> : null}
        </label>
        <label className="form-label">
          <span>Recovery point</span>
          <select value={value.rpo} onChange={(e) => onChange({ rpo: e.target.value as AssessmentAssumptions['rpo'] })} aria-label="Recovery point objective">
            <option value="minutes">Minutes (continuous replication)</option>
            <option value="hours">Hours</option>
            <option value="day">A day</option>
          </select>
        </label>
      </div>
      <div className="assumption-checks">
        <label className="check"><input type="checkbox" checked={value.useUtilization} onChange={(e) => onChange({ useUtilization: e.target.checked })} /> Size from measured utilization</label>
        <label className="check"><input type="checkbox" checked={value.burstableAllowed} onChange={(e) => onChange({ burstableAllowed: e.target.checked })} /> Burstable types (t3, t4g)</label>
        <label className="check"><input type="checkbox" checked={value.currentGenerationOnly} onChange={(e) => onChange({ currentGenerationOnly: e.target.checked })} /> Current generation only</label>
        <label className="check"><input type="checkbox" checked={value.agentAllowed} onChange={(e) => onChange({ agentAllowed: e.target.checked })} /> Agent allowed in guests</label>
        {(Object.keys(FAMILY_LABEL) as FamilyClass[]).map((f) => (
          <label key={f} className="check">
            <input type="checkbox" checked={value.families.includes(f)} disabled={value.families.length === 1 && value.families.includes(f)} onChange={(e) => toggleFamily(f, e.target.checked)} /> {FAMILY_LABEL[f]}
          </label>
        ))}
      </div>
    </section>
  );
}
