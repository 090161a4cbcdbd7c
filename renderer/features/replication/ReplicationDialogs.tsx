import { useId, useState } from 'react';
import { s3BucketNameProblem } from '../../../main/common/model/s3-bucket';
import { useWorkbenchShallow } from '../../store';
import { Dialog, DialogActions } from '../../ui/Dialog';
import { formatBytes } from '../../ui/format';
import { FileBrowser } from '../project/FileBrowser';
import { DISK_IMAGE_SUFFIXES, type ImageInfo, type ReplicationPrefsView } from './replication.slice';

const FORMAT_LABEL: Record<string, string> = { raw: 'Raw', vmdk: 'VMDK', vhd: 'VHD', vhdx: 'VHDX', qcow2: 'qcow2', ova: 'OVA' };

/**
 * Picks the image file of one disk: the native dialog where the shell has one, else the in-app browser of the
 * workbench machine (as the import wizard does), or a typed path. The image is inspected before it is kept, and
 * RVTools' `[datastore] vm/vm.vmdk` path is shown so the user knows which file to look for.
 */
export function ImagePickerDialog({ serverId, serverName, disk, rvtoolsPath, current, onClose }: { serverId: string; serverName: string; disk: string; rvtoolsPath: string | undefined; current: string | undefined; onClose(): void }) {
  const { appInfo, inspect, map, pick } = useWorkbenchShallow((s) => ({ appInfo: s.appInfo, inspect: s.replicationImageInspected, map: s.replicationDiskMapped, pick: s.replicationImagePicked }));
  const [path, setPath] = useState(current ?? '');
  const [info, setInfo] = useState<{ path: string; info: ImageInfo } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [browsing, setBrowsing] = useState(false);
  const [busy, setBusy] = useState(false);
  const check = async (p: string) => {
    const trimmed = p.trim();
    if (!trimmed) return;
    setPath(trimmed);
    setBusy(true);
    const res = await inspect(trimmed);
    setBusy(false);
    if ('error' in res) {
      setInfo(null);
      setError(res.error);
    } else {
      setError(null);
      setInfo({ path: trimmed, info: res });
    }
  };
  const browse = async () => {
    const picked = await pick();
    if (picked === null) setBrowsing(true);
    else if (picked) await check(picked);
  };
  const save = async () => {
    if (!info) return;
    setBusy(true);
    const err = await map(serverId, disk, info.path);
    setBusy(false);
    if (err) setError(err);
    else onClose();
  };
  const start = current ? current.replace(/[\\/][^\\/]*$/, '') || '/' : (appInfo?.homeDir ?? '/');
  return (
    <Dialog title={`Disk image of ${serverName} · ${disk}`} onClose={onClose} width={680} footer={<DialogActions onCancel={onClose} label="Use this image" disabled={!info || busy || info.path !== path.trim()} onConfirm={() => void save()} />}>
      {rvtoolsPath ? (
        <p className="small">
          The inventory says this disk is <span className="mono" data-testid="rvtools-path">{rvtoolsPath}</span>: on a mounted datastore or an export folder, look for that file.
        </p>
      ) : null}
      <label className="field">
        <span>Image file on the workbench machine</span>
        <div className="row-input">
          <input
            className="mono"
            value={path}
            spellCheck={false}
            placeholder="/mnt/datastore1/vm/vm.vmdk"
            onChange={(e) => setPath(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void check(path);
              }
            }}
          />
          <button type="button" disabled={!path.trim() || busy} onClick={() => void check(path)}>
            Check
          </button>
          <button type="button" onClick={() => void browse()}>
            Browse…
          </button>
        </div>
      </label>
      {browsing ? (
        <FileBrowser
          startDir={start}
          fixedStart={Boolean(current)}
          suffixes={DISK_IMAGE_SUFFIXES}
          onPickFile={(e) => {
            setBrowsing(false);
            void check(e.path);
          }}
        />
      ) : null}
      {error ? (
        <div className="inline-error" role="alert">
          {error}
        </div>
      ) : null}
      {info ? (
        <p className="rp-image-info" data-testid="image-info">
          {info.info.chain.map((l) => `${FORMAT_LABEL[l.format] ?? l.format}${l.variant ? ` (${l.variant})` : ''}`).join(' on ')} · {formatBytes(info.info.size)} disk · {formatBytes(info.info.allocatedBytes)} holding data
          {info.info.chain.length > 1 ? ` · ${info.info.chain.length - 1} backing ${info.info.chain.length === 2 ? 'file' : 'files'}` : ''}
        </p>
      ) : null}
    </Dialog>
  );
}

const MiB = 2 ** 20;

/** Where replication goes and how fast: this user's preferences (never in the project); credentials stay in the AWS configuration. */
export function ConnectionDialog({ prefs, onClose }: { prefs: ReplicationPrefsView; onClose(): void }) {
  const save = useWorkbenchShallow((s) => s.replicationPrefsSaved);
  const [profile, setProfile] = useState(prefs.profile ?? '');
  const [region, setRegion] = useState(prefs.region ?? '');
  const [endpoint, setEndpoint] = useState(prefs.endpointUrl ?? '');
  const [cap, setCap] = useState(prefs.bandwidthBytesPerSecond ? String(prefs.bandwidthBytesPerSecond / MiB) : '');
  const [concurrent, setConcurrent] = useState(String(prefs.maxConcurrent));
  const [perStore, setPerStore] = useState(String(prefs.maxPerDatastore));
  const [ami, setAmi] = useState<string>(prefs.ami ?? 'none');
  const [transport, setTransport] = useState<'ebs' | 's3'>(prefs.transport ?? 'ebs');
  const [bucket, setBucket] = useState(prefs.s3Bucket ?? '');
  // The bucket's rule is shown once the field was left (or on Save), then follows each keystroke.
  const [bucketTouched, setBucketTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = useId();
  const bucketProblem = transport === 's3' ? s3BucketNameProblem(bucket.trim()) : null;
  const chooseTransport = (t: 'ebs' | 's3') => {
    setTransport(t);
    // RegisterImage needs EBS snapshots: with S3 the AMI comes from VM Import.
    if (t === 's3' && ami === 'register') setAmi('import');
  };
  const confirm = async () => {
    const capNum = cap.trim() ? Number(cap) : 0;
    if (!Number.isFinite(capNum) || capNum < 0) return setError('The bandwidth cap is a number of MiB per second (empty or 0: no cap).');
    if (bucketProblem) {
      setBucketTouched(true);
      document.getElementById(`${ids}-bucket`)?.focus();
      return setError(null);
    }
    const err = await save({ profile: profile.trim() || null, region: region.trim() || null, endpointUrl: endpoint.trim() || null, bandwidthBytesPerSecond: Math.round(capNum * MiB), maxConcurrent: Number(concurrent), maxPerDatastore: Number(perStore), ami: ami as 'import' | 'register' | 'none', transport, ...(transport === 's3' ? { s3Bucket: bucket.trim() } : {}) });
    if (err) setError(err);
    else onClose();
  };
  return (
    <Dialog title="Replication connection settings" onClose={onClose} width={620} footer={<DialogActions onCancel={onClose} label="Save" onConfirm={() => void confirm()} />}>
      <p className="small muted">Kept for you on this computer, not in the project. Credentials come from the AWS configuration (environment, shared config and credentials files, SSO) and never pass through the workbench.</p>
      <label className="field">
        <span>AWS profile</span>
        <input value={profile} onChange={(e) => setProfile(e.target.value)} placeholder="default" spellCheck={false} />
      </label>
      <label className="field">
        <span>Default Region (a server&apos;s own Region comes first)</span>
        <input value={region} onChange={(e) => setRegion(e.target.value)} placeholder="eu-west-1" spellCheck={false} />
      </label>
      <label className="field">
        <span>Endpoint override (VPC interface endpoint or a test endpoint; empty: the Region&apos;s)</span>
        <input className="mono" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} placeholder="https://ebs.eu-west-1.amazonaws.com" spellCheck={false} />
      </label>
      <div className="rp-prefs-row">
        <label className="field">
          <span>Bandwidth cap (MiB/s, empty: none)</span>
          <input inputMode="decimal" value={cap} onChange={(e) => setCap(e.target.value)} />
        </label>
        <label className="field">
          <span>Servers at once</span>
          <select value={concurrent} onChange={(e) => setConcurrent(e.target.value)}>
            {Array.from({ length: 16 }, (_, i) => i + 1).map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Per datastore</span>
          <select value={perStore} onChange={(e) => setPerStore(e.target.value)}>
            {Array.from({ length: 16 }, (_, i) => i + 1).map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="radio-group rp-transport">
        <legend>How the disks travel to AWS</legend>
        <label className="radio">
          <input type="radio" name={`${ids}-transport`} checked={transport === 'ebs'} onChange={() => chooseTransport('ebs')} aria-labelledby={`${ids}-ebs-name`} aria-describedby={`${ids}-ebs-desc`} />
          <span>
            <strong id={`${ids}-ebs-name`}>EBS direct snapshots (block level, incremental)</strong>{' '}
            <span className="muted small" id={`${ids}-ebs-desc`}>
              Blocks go straight into EBS snapshots; after the first run only the blocks that changed are sent.
            </span>
          </span>
        </label>
        <label className="radio">
          <input type="radio" name={`${ids}-transport`} checked={transport === 's3'} onChange={() => chooseTransport('s3')} aria-labelledby={`${ids}-s3-name`} aria-describedby={`${ids}-s3-desc`} />
          <span>
            <strong id={`${ids}-s3-name`}>S3 bucket + VM Import (whole disk each run)</strong>{' '}
            <span className="muted small" id={`${ids}-s3-desc`}>
              Every run uploads the whole disk to your bucket as one object and VM Import makes the AMI from it; the staging object is deleted after the import. With no AMI the object is kept in the bucket as the run&apos;s output.
            </span>
          </span>
        </label>
      </fieldset>
      {transport === 's3' ? (
        <div className="field rp-bucket">
          <label htmlFor={`${ids}-bucket`}>S3 bucket for staging (in the Region above, writable with your credentials)</label>
          <input
            id={`${ids}-bucket`}
            className="mono"
            value={bucket}
            onChange={(e) => setBucket(e.target.value)}
            onBlur={() => setBucketTouched(true)}
            placeholder="my-migration-staging"
            spellCheck={false}
            autoCapitalize="off"
            aria-invalid={bucketTouched && bucketProblem ? true : undefined}
            aria-describedby={bucketTouched && bucketProblem ? `${ids}-bucket-error` : undefined}
          />
          {bucketTouched && bucketProblem ? (
            <div className="inline-error" id={`${ids}-bucket-error`} role="alert">
              {bucketProblem}
            </div>
          ) : null}
        </div>
      ) : null}
      <label className="field">
        <span>After each completed run</span>
        <select value={ami} onChange={(e) => setAmi(e.target.value)}>
          <option value="none">{transport === 's3' ? 'Keep the staged disk in the bucket (no AMI)' : 'Keep the snapshots only (no AMI)'}</option>
          <option value="import">Make an AMI with VM Import (drivers injected)</option>
          {transport === 'ebs' ? <option value="register">Register an AMI directly (the image already has ENA and NVMe drivers)</option> : null}
        </select>
      </label>
      {error ? (
        <div className="inline-error" role="alert">
          {error}
        </div>
      ) : null}
    </Dialog>
  );
}
