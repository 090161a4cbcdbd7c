import { useEffect, useMemo, useState } from 'react';
import type { ExportRequest } from '../../../main/common/ipc/channels/planning.channels';
import { fileSlug } from '../../../main/common/export/file-names';
import { useWorkbenchShallow } from '../../store';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { EmptyState } from '../../ui/EmptyState';
import { Dialog, DialogActions } from '../../ui/Dialog';
import { Icon } from '../../ui/icons';
import { FileBrowser } from '../project/FileBrowser';
import type { PlanIssue } from '../../../main/common/assess/plan-validation';
import { groupIssues, selectPlanIssues, selectServersById } from '../applications/planning.selectors';
import { ProjectDefaultsForm } from './ProjectDefaultsForm';
import { LaunchSettingsSheet } from './LaunchSettingsSheet';
import './export.css';

const NO_ISSUES: PlanIssue[] = [];

/** Swaps the ending of a file name the workbench proposed (`.cfn.yaml` ↔ `.cfn.json`, `.zip` on or off); typed names otherwise stay. */
function withTemplateFormat(p: string, format: string): string {
  return /\.cfn\.(yaml|json)$/i.test(p) ? p.replace(/\.cfn\.(yaml|json)$/i, `.cfn.${format}`) : p;
}
function withZip(p: string, zip: boolean): string {
  if (zip) return p.toLowerCase().endsWith('.zip') || !p.trim() ? p : `${p.replace(/[\\/]+$/, '')}.zip`;
  return p.toLowerCase().endsWith('.zip') ? p.slice(0, -4) : p;
}

/** One line per kind of problem; every server it is about is a link to its launch settings at the field. */
function ProblemLine({ issues, names, open }: { issues: PlanIssue[]; names: ReadonlyMap<string, string>; open(i: PlanIssue): void }) {
  const first = issues[0]!;
  const onServers = issues.filter((i) => i.serverId);
  const firstName = first.serverId ? names.get(first.serverId) ?? '' : '';
  const what = onServers.length > 1 && firstName && first.message.startsWith(firstName) ? first.message.slice(firstName.length).replace(/^:\s*/, '').trim() : first.message;
  return (
    <li className={`issue issue-${first.severity}`}>
      <span>
        {onServers.length > 1 ? (
          <>
            {onServers.length} servers:{' '}
            {onServers.map((i, n) => (
              <span key={`${i.serverId}-${n}`}>
                {n ? ', ' : ''}
                <button type="button" className="link-button problem-link" onClick={() => open(i)}>
                  {names.get(i.serverId!) ?? i.serverId}
                </button>
              </span>
            ))}{' '}
            — {what}
          </>
        ) : (
          <button type="button" className="link-button problem-link" onClick={() => open(first)} title={first.fromDefaults ? 'Open Project defaults at this field' : first.serverId ? 'Open the launch settings at this field' : 'Open the application'}>
            {first.message}
          </button>
        )}
      </span>{' '}
      <span className="issue-fix">Fix: {first.fix}</span>
    </li>
  );
}

const PREVIEW_CHARS = 200_000;

function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

function FolderDialog({ start, onPick, onClose }: { start: string; onPick(dir: string): void; onClose(): void }) {
  const [dir, setDir] = useState(start);
  return (
    <Dialog
      title="Choose a folder"
      onClose={onClose}
      width={620}
      footer={
        <DialogActions onCancel={onClose} label="Use this folder" onConfirm={() => onPick(dir)} />
      }
    >
      <FileBrowser startDir={start} suffixes={['.yaml', '.json', '.zip']} onPickFile={() => undefined} onDirChange={setDir} />
    </Dialog>
  );
}

/** CloudFormation and hand-off bundle export of one application, validated by AWS's validator before anything is written. */
export function ExportScreen() {
  const s = useWorkbenchShallow((st) => ({
    doc: st.document,
    revision: st.meta?.revision,
    home: st.appInfo?.homeDir ?? '/',
    activeApp: st.activeApplicationId,
    preview: st.exportPreview,
    busy: st.exportBusy,
    error: st.exportError,
    written: st.exportWritten,
    requestPreview: st.exportPreviewRequested,
    saveTemplate: st.templateSaveRequested,
    saveBundle: st.bundleSaveRequested,
    pick: st.exportPathPickRequested,
    drafts: st.exportPathDrafts,
    typed: st.exportPathsTyped,
    open: st.problemOpened,
    catalog: st.instanceTypes,
    loadTypes: st.instanceTypesRequested,
  }));
  useEffect(() => void s.loadTypes(), []);
  const apps = s.doc?.planning.applications ?? [];
  const [appId, setAppId] = useState<string>(s.activeApp ?? apps[0]?.id ?? '');
  const [format, setFormat] = useState<ExportRequest['format']>('yaml');
  const [wait, setWait] = useState<ExportRequest['waitStrategy']>('depends-on');
  const [browsing, setBrowsing] = useState(false);
  const [shown, setShown] = useState(0);
  const app = apps.find((a) => a.id === appId) ?? apps[0];
  const request = useMemo<ExportRequest | null>(() => (app ? { applicationId: app.id, format, waitStrategy: wait } : null), [app, format, wait]);
  useEffect(() => {
    if (request) void s.requestPreview(request);
  }, [request, s.revision]);
  // Where files go: what was last typed or picked for this application (kept in the project), else a proposal in the home folder.
  const [templatePath, setTemplatePath] = useState('');
  const [bundlePath, setBundlePath] = useState('');
  const [zip, setZip] = useState(false);
  useEffect(() => {
    if (!app) return;
    const saved = { ...app.exportPaths, ...s.drafts[app.id] };
    setTemplatePath(withTemplateFormat(saved?.templatePath ?? joinPath(s.home, `${fileSlug(app.name)}.cfn.${format}`), format));
    setZip(saved?.bundleZip ?? false);
    setBundlePath(saved?.bundlePath ?? joinPath(s.home, `${fileSlug(app.name)}-handoff${saved?.bundleZip ? '.zip' : ''}`));
  }, [app?.id]);
  useEffect(() => setTemplatePath((p) => withTemplateFormat(p, format)), [format]);
  const names = useMemo(() => new Map([...(s.doc ? selectServersById(s.doc.inventory.servers, undefined) : new Map()).values()].map((x) => [x.id, x.name])), [s.doc?.inventory.servers]);
  const issues = (s.doc && app ? selectPlanIssues(s.doc, s.catalog).byApp.get(app.id) : undefined) ?? NO_ISSUES;

  if (!s.doc) return <div className="loading">Loading project…</div>;
  if (!app || !request) {
    return (
      <div className="screen">
        <ScreenHeader title="Export" />
        <EmptyState icon="export" title="No application to export">
          Plan an application first (Applications): group its servers into launch groups and set their launch settings.
        </EmptyState>
      </div>
    );
  }
  const p = s.preview && s.preview.applicationId === app.id ? s.preview : null;
  // Plan problems come from the same selector as every badge on the Applications screen (one source of truth).
  const planErrors = issues.filter((i) => i.severity === 'error');
  const planWarnings = issues.filter((i) => i.severity === 'warning');
  const errorGroups = groupIssues(planErrors);
  const warningGroups = groupIssues(planWarnings);
  const diagnostics = p?.reports.flatMap((r) => r.diagnostics.map((d) => ({ ...d, fileName: r.fileName }))) ?? [];
  const ready = p && !p.blockedBy && planErrors.length === 0;
  // Kept for this application while the window is open; written into the project by a successful save.
  const rememberTemplate = (path: string) => s.typed(app.id, { templatePath: path });
  const rememberBundle = (path: string, z: boolean) => s.typed(app.id, { bundlePath: path, bundleZip: z });
  const tpl = p?.templates[Math.min(shown, (p?.templates.length ?? 1) - 1)];
  const bundleDir = bundlePath.replace(/[\\/][^\\/]*$/, '') || s.home;
  const bundleName = bundlePath.slice(bundleDir.length).replace(/^[\\/]/, '') || `${fileSlug(app.name)}-handoff${zip ? '.zip' : ''}`;
  const pickFolder = (d: string) => {
    const next = joinPath(d, bundleName);
    setBundlePath(next);
    rememberBundle(next, zip);
  };
  const browse = async (mode: 'save' | 'folder') => {
    const picked = await s.pick(mode, mode === 'save' ? templatePath : bundleDir);
    if (picked === null) setBrowsing(true);
    else if (picked) {
      if (mode === 'save') {
        setTemplatePath(picked);
        rememberTemplate(picked);
      } else pickFolder(picked);
    }
  };

  return (
    <div className="screen export-screen">
      <ScreenHeader title="Export" subtitle="CloudFormation that launches the application in its launch order, and a hand-off bundle for the migration team. Every template is checked by AWS's CloudFormation validator first." />
      <div className="export-layout">
        <section className="panel export-options" aria-label="Export options">
          <label className="form-label">
            <span>Application</span>
            <select value={app.id} onChange={(e) => setAppId(e.target.value)} aria-label="Application">
              {apps.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="radio-set">
            <legend>Format</legend>
            {(['yaml', 'json'] as const).map((f) => (
              <label key={f} className="check">
                <input type="radio" name="format" checked={format === f} onChange={() => setFormat(f)} /> {f.toUpperCase()}
              </label>
            ))}
          </fieldset>
          <fieldset className="radio-set">
            <legend>Launch order</legend>
            <label className="check">
              <input type="radio" name="wait" checked={wait === 'depends-on'} onChange={() => setWait('depends-on')} /> DependsOn: next group starts once the previous instances exist
            </label>
            <label className="check">
              <input type="radio" name="wait" checked={wait === 'wait-condition'} onChange={() => setWait('wait-condition')} /> WaitCondition: next group starts once the previous servers have run their scripts and signalled
            </label>
          </fieldset>

          <div className={`export-verdict ${planErrors.length ? 'bad' : !p ? 'pending' : ready ? 'ok' : 'bad'}`} role="status" data-testid="export-verdict">
            {planErrors.length ? (
              <>
                <Icon name="warning" size={16} /> Not exportable yet: {planErrors.length} plan error{planErrors.length === 1 ? '' : 's'}
              </>
            ) : s.busy === 'preview' || !p ? (
              'Building and validating…'
            ) : ready ? (
              <>
                <Icon name="verify" size={16} /> Valid: {p.templates.length} template{p.templates.length === 1 ? '' : 's'} passed {p.reports[0]?.validator}
              </>
            ) : p.blockedBy === 'plan' ? (
              <>
                <Icon name="warning" size={16} /> Not exportable yet: {p.buildError ?? 'the plan has errors'}
              </>
            ) : (
              <>
                <Icon name="warning" size={16} /> The validator rejected the template
              </>
            )}
          </div>

          <h3>Save template</h3>
          <div className="path-row">
            <input aria-label="Template file" value={templatePath} onChange={(e) => (setTemplatePath(e.target.value), rememberTemplate(e.target.value))} />
            <button type="button" onClick={() => void browse('save')}>
              Browse…
            </button>
          </div>
          <button type="button" className="primary" disabled={!ready || s.busy !== null} onClick={() => void s.saveTemplate(request, templatePath)}>
            Save template
          </button>

          <h3>Save hand-off bundle</h3>
          <div className="path-row">
            <input aria-label="Bundle location" value={bundlePath} onChange={(e) => (setBundlePath(e.target.value), rememberBundle(e.target.value, zip))} />
            <button type="button" onClick={() => void browse('folder')}>
              Browse…
            </button>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={zip}
              onChange={(e) => {
                // Only the ending changes: a typed folder or name is kept.
                const next = withZip(bundlePath, e.target.checked);
                setZip(e.target.checked);
                setBundlePath(next);
                rememberBundle(next, e.target.checked);
              }}
            />{' '}
            One zip file
          </label>
          <p className="muted small">Templates, runbook (prerequisites, parameters, launch order, test launch, cutover with DNS change, rollback), inventory, MGN import and Cloud Migration Factory intake CSVs, verification results.</p>
          <button type="button" className="primary" disabled={!ready || s.busy !== null} onClick={() => void s.saveBundle(request, bundlePath, zip)}>
            Save bundle
          </button>
          {s.written.length ? (
            <div className="written" data-testid="export-written">
              <strong>Written</strong>
              <ul>
                {s.written.slice(0, 12).map((w) => (
                  <li key={w} className="mono">
                    {w}
                  </li>
                ))}
                {s.written.length > 12 ? <li className="muted">and {s.written.length - 12} more</li> : null}
              </ul>
            </div>
          ) : null}
          {s.error ? (
            <pre className="export-error" role="alert">
              {s.error}
            </pre>
          ) : null}
          <ProjectDefaultsForm />
          <LaunchSettingsSheet applicationId={app.id} applicationName={app.name} />
        </section>

        <section className="panel export-preview" aria-label="Preview">
          <div className="panel-head">
            <div className="preview-tabs">
              {(p?.templates ?? []).map((t, i) => (
                <button key={t.fileName} type="button" className={i === shown ? 'on' : ''} onClick={() => setShown(i)}>
                  {t.fileName}
                </button>
              ))}
            </div>
            {tpl ? (
              <span className="muted small">
                {tpl.servers} servers · {(tpl.bytes / 1024).toFixed(1)} KiB · {tpl.groups.join(' → ')}
              </span>
            ) : null}
          </div>
          {planErrors.length || diagnostics.length || planWarnings.length || p?.buildError ? (
            <ul className="findings" aria-label="Findings">
              {p?.buildError ? <li className="issue issue-error">{p.buildError}</li> : null}
              {errorGroups.map((g) => (
                <ProblemLine key={`e-${g.code}`} issues={g.issues} names={names} open={s.open} />
              ))}
              {diagnostics.map((d, n) => (
                <li key={`d${n}`} className={`issue ${d.blocking ? 'issue-error' : 'issue-warning'}`}>
                  <span className="mono">
                    {d.ruleId}
                    {d.line ? ` line ${d.line}` : ''}
                  </span>
                  <span>
                    {d.logicalId ? `${d.logicalId}: ` : ''}
                    {d.message}
                    {d.note ? <span className="issue-note">{d.note}</span> : null}
                  </span>
                </li>
              ))}
              {warningGroups.map((g) => (
                <ProblemLine key={`w-${g.code}`} issues={g.issues} names={names} open={s.open} />
              ))}
            </ul>
          ) : null}
          {!p ? (
            <p className="preview-wait muted" role="status">
              {s.error ? 'No preview.' : 'Building the template and running AWS\'s CloudFormation validator (its first start takes a few seconds)…'}
            </p>
          ) : null}
          <pre className="template-text mono" aria-label="Template preview" tabIndex={0} hidden={!p}>
            {tpl ? (tpl.body.length > PREVIEW_CHARS ? `${tpl.body.slice(0, PREVIEW_CHARS)}\n… (${tpl.body.length - PREVIEW_CHARS} more characters in the file)` : tpl.body) : ''}
          </pre>
        </section>
      </div>
      {browsing ? (
        <FolderDialog
          start={bundleDir}
          onClose={() => setBrowsing(false)}
          onPick={(d) => {
            pickFolder(d);
            setBrowsing(false);
          }}
        />
      ) : null}
    </div>
  );
}
