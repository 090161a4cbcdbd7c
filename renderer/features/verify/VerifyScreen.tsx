import { useEffect, useState, type DragEvent } from 'react';
import { trustKey } from './verify.slice';
import { useWorkbenchShallow } from '../../store';
import type { VerificationReport, CertSummary, AnchorStore } from '../../../main/common/verify/report';
import { HASH_ALGORITHMS, HASH_LABEL } from '../../../main/common/verify/hashes';
import { reasonText, warningText } from '../../../main/common/verify/report-format';
import { commonName, leadCause, type BundledRootState } from '../../../main/common/verify/cause';
import { thumbprintHex } from '../../../main/common/verify/trust-rules';
import { ROOT_PURPOSE_LABEL } from '../../../main/common/verify/bundled';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { Dialog, DialogActions } from '../../ui/Dialog';
import { Icon } from '../../ui/icons';
import { formatTime } from '../../ui/format';
import { FileBrowser } from '../project/FileBrowser';
import './verify.css';

const cn = commonName;

const STORE_TAG: Record<AnchorStore, string> = { bundled: 'trusted · bundled root', project: 'trusted · project root', run: 'trusted · given for this run' };

/** Bundled roots with this project's distrust applied, for the cause rules and the trust panel. */
function useBundledState(): BundledRootState[] {
  const { roots, distrusted } = useWorkbenchShallow((s) => ({ roots: s.verifyBundledRoots, distrusted: s.document?.verification.trust?.distrusted }));
  return (roots ?? []).map((r) => ({ subject: r.subject, thumbprintSha256: r.thumbprintSha256, distrusted: (distrusted ?? []).includes(r.thumbprintSha256) }));
}

/** Moves the keyboard focus to the trust panel's path field (the "add a root" fix). */
function focusTrustPath() {
  const input = document.querySelector<HTMLInputElement>('[aria-label="Certificate or CRL path"]');
  input?.scrollIntoView({ block: 'center' });
  input?.focus();
}

/** What the card leads with when a file did not verify: the cause and the fix, before the reason codes. */
function CauseBanner({ r }: { r: VerificationReport }) {
  const bundled = useBundledState();
  const edited = useWorkbenchShallow((s) => s.verifyTrustEdited);
  const cause = leadCause(r, bundled);
  if (!cause) return null;
  return (
    <div className="vf-cause" data-testid="verify-cause" role="note">
      <p className="vf-cause-title strong">{cause.title}</p>
      {cause.consequence ? <p className="small">{cause.consequence}</p> : null}
      {cause.fix ? <p className="small">{cause.fix}</p> : null}
      {cause.roots.length > 0 ? (
        <div className="vf-cause-actions">
          {cause.roots.map((x) =>
            x.action === 'trust-again' ? (
              <button key={x.subject} type="button" className="primary" onClick={() => void edited({ op: 'trustBundled', thumbprintSha256: x.thumbprintSha256! })}>
                Trust {x.name} again
              </button>
            ) : (
              <button key={x.subject} type="button" onClick={focusTrustPath}>
                Add {x.name}…
              </button>
            ),
          )}
        </div>
      ) : null}
    </div>
  );
}

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

const KIND_LABEL: Record<VerificationReport['kind'], string> = { powershell: 'PowerShell script', pe: 'Windows executable', msi: 'Windows Installer package', ova: 'OVA appliance', file: 'File' };

function Cert({ c, role }: { c: CertSummary; role: string }) {
  return (
    <li className="vf-cert">
      <span className="vf-cert-role muted">{role}</span>
      <span className="strong">{cn(c.subject)}</span>
      {c.trustAnchor ? <span className="vf-tag vf-tag-ok">{c.anchorStore ? STORE_TAG[c.anchorStore] : 'trusted'}</span> : null}
      <span className="mono muted small" title={`SHA-256 ${c.thumbprintSha256}`}>
        {c.thumbprintSha1}
      </span>
      <span className="muted small">
        {c.notBefore.slice(0, 10)} – {c.notAfter.slice(0, 10)}
      </span>
    </li>
  );
}

function ReportCard({ r }: { r: VerificationReport }) {
  const [open, setOpen] = useState(true);
  const signed = r.kind !== 'file';
  return (
    <article className={`vf-card ${r.ok ? 'vf-ok' : 'vf-bad'}`} data-testid="verify-card" aria-label={r.name}>
      <header className="vf-card-head">
        <span className={`vf-verdict ${r.ok ? 'vf-verdict-ok' : 'vf-verdict-bad'}`}>
          <Icon name={r.ok ? 'verify' : 'warning'} size={16} />
          {r.ok ? 'Verified' : 'Not verified'}
        </span>
        <h2 className="vf-name" title={r.file}>
          {r.name}
        </h2>
        <span className="vf-tag" title="The status Windows (Get-AuthenticodeSignature) reports for this file">
          Windows status: <span data-testid="verify-status">{r.status}</span>
        </span>
        <span className="muted small">
          {KIND_LABEL[r.kind]} · {formatBytes(r.size)} · {(r.elapsedMs / 1000).toFixed(2)} s
        </span>
        <button type="button" className="icon-button vf-toggle" aria-expanded={open} aria-label={open ? 'Collapse' : 'Expand'} onClick={() => setOpen(!open)}>
          <Icon name={open ? 'up' : 'props'} size={14} />
        </button>
      </header>
      <CauseBanner r={r} />
      <ul className="vf-reasons" data-testid="verify-reasons" aria-label="Findings">
        {r.reasons.map((x) => (
          <li key={x} className={x === 'ok' || x === 'ok-weak-digest' ? 'vf-reason-ok' : 'vf-reason-bad'} title={x}>
            {reasonText(x)}
          </li>
        ))}
        {r.warnings.map((w) => (
          <li key={w} className="vf-reason-warn" title={w}>
            {warningText(w)}
          </li>
        ))}
      </ul>
      {open ? (
        <div className="vf-body">
          {signed ? (
            <section>
              <h3>Signer and chain</h3>
              {r.chain.length > 0 ? (
                <ul className="vf-chain">
                  {r.chain.map((c, i) => (
                    <Cert key={c.thumbprintSha256} c={c} role={i === 0 ? 'Signer' : c.trustAnchor ? 'Root' : 'Issuer'} />
                  ))}
                </ul>
              ) : (
                <p className="muted">No signer.</p>
              )}
              {r.timestamp ? (
                <p className="small">
                  Timestamp ({r.timestamp.kind === 'rfc3161' ? 'RFC 3161' : 'countersignature'}): <span className="strong">{r.timestamp.time ? new Date(r.timestamp.time).toUTCString() : '—'}</span>{' '}
                  {r.timestamp.verified ? (
                    `by ${cn(r.timestamp.authority ?? '')}${r.timestamp.anchorStore ? ` (${STORE_TAG[r.timestamp.anchorStore]})` : ''}`
                  ) : (
                    <span className="vf-bad-text">not verified: {r.timestamp.problem}</span>
                  )}
                </p>
              ) : null}
              {r.digestAlgorithm ? <p className="small muted">Signed digest: {r.digestAlgorithm.toUpperCase()}</p> : null}
            </section>
          ) : null}
          <section>
            <h3>Hashes</h3>
            <dl className="vf-hashes">
              {HASH_ALGORITHMS.filter((a) => r.hashes[a]).map((a) => (
                <div key={a}>
                  <dt>{HASH_LABEL[a]}</dt>
                  <dd className="mono">{r.hashes[a]}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section className="vf-wide">
            <h3>Checksum files</h3>
            {r.sidecars.length === 0 ? (
              <p className="muted small">None found next to the file. Drop the .sha256 / .md5 file together with it to check it.</p>
            ) : (
              <table className="data-table vf-sidecars">
                <tbody>
                  {r.sidecars.map((s, i) => (
                    <tr key={`${s.sidecar}-${i}`}>
                      <td className="mono">{s.sidecar}</td>
                      <td>{s.algorithm ? HASH_LABEL[s.algorithm] : '—'}</td>
                      <td>
                        <span className={`vf-tag ${s.verdict === 'match' ? 'vf-tag-ok' : 'vf-tag-bad'}`}>{s.verdict}</span>
                      </td>
                      <td>{s.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {r.notChecked.length > 0 || r.details.length > 0 ? (
            <section className="vf-wide">
              <h3>Not checked, and details</h3>
              <ul className="vf-notes small">
                {r.notChecked.map((n) => (
                  <li key={n}>
                    <Icon name="info" size={13} /> {n}
                  </li>
                ))}
                {r.details.map((d) => (
                  <li key={d} className="muted">
                    {d}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

function AddFilesDialog({ onClose }: { onClose(): void }) {
  const { appInfo, verifyFilesRequested } = useWorkbenchShallow((s) => ({ appInfo: s.appInfo, verifyFilesRequested: s.verifyFilesRequested }));
  const [text, setText] = useState('');
  const paths = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const go = () => {
    onClose();
    void verifyFilesRequested(paths);
  };
  return (
    <Dialog
      title="Verify files"
      onClose={onClose}
      width={720}
      footer={
        <DialogActions onCancel={onClose} label={<>Verify {paths.length || ''} file{paths.length === 1 ? '' : 's'}</>} disabled={paths.length === 0} onConfirm={go} />
      }
    >
      <label className="field">
        <span>Files to verify, one path per line (checksum files among them are used as sidecars)</span>
        <textarea data-autofocus rows={4} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} aria-label="Paths to verify" className="mono" />
      </label>
      <h3>Browse</h3>
      <FileBrowser startDir={appInfo?.homeDir ?? '/'} suffixes={[]} onPickFile={(e) => setText((t) => (t.trim() ? `${t.trim()}\n${e.path}` : e.path))} />
    </Dialog>
  );
}

function SaveReportDialog({ onClose }: { onClose(): void }) {
  const { reports, save } = useWorkbenchShallow((s) => ({ reports: s.verifyReports, save: s.verifyReportSaveRequested }));
  const first = reports[0]?.file ?? '';
  const dir = first.replace(/[\\/][^\\/]*$/, '');
  const [format, setFormat] = useState<'markdown' | 'json'>('markdown');
  const [target, setTarget] = useState(`${dir}/verification-report.md`);
  const changeFormat = (f: 'markdown' | 'json') => {
    setFormat(f);
    setTarget((t) => t.replace(/\.(md|json)$/, f === 'json' ? '.json' : '.md'));
  };
  return (
    <Dialog
      title="Save verification report"
      onClose={onClose}
      footer={
        <DialogActions onCancel={onClose} label="Save" disabled={!target.trim()} onConfirm={() => void save(target.trim(), format).then((ok) => ok && onClose())} />
      }
    >
      <label className="field">
        <span>Format</span>
        <select value={format} onChange={(e) => changeFormat(e.target.value as 'markdown' | 'json')} aria-label="Report format">
          <option value="markdown">Markdown (for tickets and change records)</option>
          <option value="json">JSON (for scripts and tools)</option>
        </select>
      </label>
      <label className="field">
        <span>Save to</span>
        <input data-autofocus value={target} onChange={(e) => setTarget(e.target.value)} spellCheck={false} aria-label="Report path" className="mono" />
      </label>
    </Dialog>
  );
}

function BundledRoots() {
  const { roots, kept, edited } = useWorkbenchShallow((st) => ({ roots: st.verifyBundledRoots, kept: st.document?.verification.trust?.distrusted, edited: st.verifyTrustEdited }));
  const distrusted = kept ?? [];
  if (!roots) return <p className="muted small">Loading the bundled roots…</p>;
  const off = roots.filter((r) => distrusted.includes(r.thumbprintSha256)).length;
  return (
    <details className="vf-bundled">
      <summary>
        <span className="strong">Bundled roots: {roots.length - off} of {roots.length} trusted</span>{' '}
        <span className="muted small">the roots Windows trusts for code signing and time stamping (Microsoft Trusted Root Program), shipped with the workbench</span>
      </summary>
      <ul className="vf-trust-list" aria-label="Bundled roots">
        {roots.map((r) => {
          const isOff = distrusted.includes(r.thumbprintSha256);
          return (
            <li key={r.thumbprintSha256} className={isOff ? 'vf-root-off' : undefined}>
              <span className={`vf-tag ${isOff ? 'vf-tag-bad' : ''}`}>{isOff ? 'Distrusted' : 'Bundled root'}</span>
              <span className="strong">{r.name}</span>
              <span className="muted small">{r.purposes.map((p) => ROOT_PURPOSE_LABEL[p]).join(', ')} · until {r.notAfter.slice(0, 10)}</span>
              <span className="mono muted small" title={`SHA-256 ${r.thumbprintSha256}`}>
                {r.thumbprintSha1}
              </span>
              <button
                type="button"
                className="vf-root-toggle"
                aria-label={`${isOff ? 'Trust again' : 'Distrust'}: ${r.name}`}
                onClick={() => void edited({ op: isOff ? 'trustBundled' : 'distrustBundled', thumbprintSha256: r.thumbprintSha256 })}
              >
                {isOff ? 'Trust again' : 'Distrust'}
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}

function TrustPanel() {
  const { trust, edited, bundled } = useWorkbenchShallow((st) => ({ trust: st.document?.verification.trust, edited: st.verifyTrustEdited, bundled: st.verifyBundledRoots }));
  const [path, setPath] = useState('');
  const [thumb, setThumb] = useState('');
  const roots = trust?.roots ?? [];
  const crls = trust?.crls ?? [];
  const publishers = trust?.publishers ?? [];
  const thumbOk = thumbprintHex(thumb) !== null;
  const addFile = async (as: 'root' | 'crl') => {
    if (await edited({ op: 'addFile', path: path.trim(), as })) setPath('');
  };
  const noBundled = bundled !== null && bundled.every((b) => (trust?.distrusted ?? []).includes(b.thumbprintSha256));
  return (
    <section className="vf-trust" aria-label="Trust settings">
      <div className="vf-trust-head">
        <h2>Trust</h2>
        <span className="muted small">Kept in this project. A signature counts when it chains to a bundled root you have not distrusted or to a certificate you added. Changing trust re-checks the files listed below.</span>
      </div>
      <BundledRoots />
      {noBundled && roots.length === 0 ? <p className="vf-bad-text small vf-trust-empty">No root is trusted: every signature will be reported as not trusted.</p> : null}
      {roots.length + crls.length + publishers.length > 0 ? (
        <ul className="vf-trust-list" aria-label="Added to this project">
          {roots.map((r) => (
            <li key={r.thumbprintSha1}>
              <span className="vf-tag">Your root</span>
              <span className="strong">{cn(r.subject)}</span>
              <span className="mono muted small">{r.thumbprintSha1}</span>
              <span className="muted small">until {r.notAfter.slice(0, 10)}</span>
              <button type="button" className="icon-button" aria-label={`Stop trusting ${cn(r.subject)}`} onClick={() => void edited({ op: 'removeRoot', thumbprintSha1: r.thumbprintSha1 })}>
                <Icon name="close" size={12} />
              </button>
            </li>
          ))}
          {crls.map((c) => (
            <li key={c.id}>
              <span className="vf-tag">CRL</span>
              <span>{c.issuer}</span>
              <span className="muted small">{c.nextUpdate ? `next update ${c.nextUpdate.slice(0, 10)}` : ''}</span>
              <button type="button" className="icon-button" aria-label={`Remove CRL of ${c.issuer}`} onClick={() => void edited({ op: 'removeCrl', id: c.id })}>
                <Icon name="close" size={12} />
              </button>
            </li>
          ))}
          {publishers.map((p) => (
            <li key={p}>
              <span className="vf-tag">Pinned publisher</span>
              <span className="mono small">{p}</span>
              <button type="button" className="icon-button" aria-label={`Unpin ${p}`} onClick={() => void edited({ op: 'unpinPublisher', thumbprint: p })}>
                <Icon name="close" size={12} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="vf-trust-add">
        <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/root.pem or crl.pem" aria-label="Certificate or CRL path" className="mono" spellCheck={false} />
        <button type="button" disabled={!path.trim()} onClick={() => void addFile('root')}>
          Trust certificate
        </button>
        <button type="button" disabled={!path.trim()} onClick={() => void addFile('crl')}>
          Add CRL
        </button>
        <input value={thumb} onChange={(e) => setThumb(e.target.value)} placeholder="publisher thumbprint (SHA-1 or SHA-256)" aria-label="Publisher thumbprint" className="mono" spellCheck={false} />
        <button type="button" disabled={!thumbOk} onClick={() => void edited({ op: 'pinPublisher', thumbprint: thumb }).then((ok) => ok && setThumb(''))}>
          Pin publisher
        </button>
      </div>
    </section>
  );
}

function History() {
  const records = useWorkbenchShallow((s) => s.document?.verification.records ?? []);
  if (records.length === 0) return null;
  const recent = records.slice(-12).reverse();
  return (
    <section className="vf-history" aria-label="Verification history">
      <h3>Kept in this project ({records.length})</h3>
      <div className="table-wrap">
        <table className="data-table">
          <thead>
            <tr>
              <th>When</th>
              <th>File</th>
              <th>Status</th>
              <th>Signer</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((r) => (
              <tr key={r.id}>
                <td>{formatTime(r.verifiedAt)}</td>
                <td>{r.name ?? r.file}</td>
                <td>
                  <span className={`vf-tag ${r.ok ? 'vf-tag-ok' : 'vf-tag-bad'}`}>{r.status}</span>
                </td>
                <td>{r.signer ? cn(r.signer) : '—'}</td>
                <td className="mono small">{r.sha256 ? `${r.sha256.slice(0, 16)}…` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Verify: drop setup scripts, installers and appliances; each gets a card with verdict, hashes, sidecars and signer. */
export function VerifyScreen() {
  const s = useWorkbenchShallow((st) => ({
    reports: st.verifyReports,
    failures: st.verifyFailures,
    run: st.verifyRun,
    dropped: st.verifyFilesDropped,
    cancel: st.verifyCancelRequested,
    copy: st.verifyReportCopied,
    clear: st.verifyCleared,
    loadBundled: st.verifyBundledRootsRequested,
    recheck: st.verifyStaleRechecked,
    trustNow: trustKey(st.document?.verification.trust),
  }));
  const { loadBundled, recheck, trustNow } = s;
  useEffect(() => {
    void loadBundled();
  }, [loadBundled]);
  // Trust changed (an edit here, a dropped certificate, Undo or Redo): the listed files are judged again.
  useEffect(() => {
    void recheck();
  }, [trustNow, recheck]);
  const [dialog, setDialog] = useState<null | 'add' | 'save'>(null);
  const [dragging, setDragging] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void s.dropped(Array.from(e.dataTransfer.files));
  };
  const pct = s.run?.total ? Math.min(100, Math.round((100 * s.run.done) / s.run.total)) : null;
  return (
    <div
      className={`screen vf-screen ${dragging ? 'vf-dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={onDrop}
    >
      <ScreenHeader
        title="Verify"
        subtitle="Hashes, checksum files and Authenticode signatures, checked offline the way Windows checks them."
        actions={
          <>
            <button type="button" className="primary" onClick={() => setDialog('add')} disabled={!!s.run}>
              Add files…
            </button>
            <button type="button" onClick={() => void s.copy('markdown')} disabled={s.reports.length === 0}>
              Copy report
            </button>
            <button type="button" onClick={() => setDialog('save')} disabled={s.reports.length === 0}>
              Save report…
            </button>
            <button type="button" onClick={s.clear} disabled={s.reports.length === 0 || !!s.run}>
              Clear
            </button>
          </>
        }
      />
      <TrustPanel />
      {s.run ? (
        <div className="vf-progress" role="group" aria-label="Verification progress">
          <div className="vf-progress-text">
            <span>{s.run.phase === 'uploading' ? 'Reading' : 'Verifying'}: {s.run.label}</span>
            <span className="muted">
              {s.run.total ? `${formatBytes(s.run.done)} of ${formatBytes(s.run.total)}` : ''} {pct !== null ? `· ${pct}%` : ''}
            </span>
            {s.run.phase === 'verifying' ? (
              <button type="button" onClick={() => void s.cancel()}>
                Cancel
              </button>
            ) : null}
          </div>
          <div className="vf-bar" role="progressbar" aria-label="Verified so far" aria-valuenow={pct ?? undefined} aria-valuemin={0} aria-valuemax={100}>
            <div className="vf-bar-fill" style={{ width: `${pct ?? 5}%` }} />
          </div>
        </div>
      ) : null}
      {s.failures.map((f) => (
        <div key={f.file} className="inline-error" role="alert">
          {f.file.replace(/^.*[\\/]/, '')}: {f.message}
        </div>
      ))}
      {s.reports.length === 0 && !s.run ? (
        <div className="vf-dropzone" data-testid="verify-dropzone">
          <Icon name="verify" size={40} />
          <h2>Drop setup scripts, installers or appliances here</h2>
          <p className="muted">
            Drop them together with their <code>.sha256</code>, <code>.md5</code>, <code>SHA256SUMS</code> or <code>.mf</code> files. PowerShell scripts (.ps1, .psm1, .psd1) Windows executables (.exe, .dll) and installer packages (.msi) get their Authenticode signature checked the way Windows does, against the bundled roots and the certificates you add.
          </p>
          <button type="button" onClick={() => setDialog('add')}>
            Choose files…
          </button>
        </div>
      ) : null}
      <div className="vf-cards">
        {s.reports.map((r) => (
          <ReportCard key={r.file} r={r} />
        ))}
      </div>
      <History />
      {dialog === 'add' ? <AddFilesDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'save' ? <SaveReportDialog onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
