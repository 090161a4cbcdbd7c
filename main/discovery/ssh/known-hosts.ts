import { createHmac, randomBytes, createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '../../common/model/errors';
import { writeFileAtomic } from '../../platform/atomic-write';

/**
 * Host keys in OpenSSH's known_hosts format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain host patterns
 * (`host`, `[host]:port`, `*`/`?` wildcards, `!` negation, comma lists) and hashed entries
 * (`|1|base64(salt)|base64(HMAC-SHA1(salt, host))`); `@revoked` lines refuse a key, `@cert-authority` lines are
 * not used (host certificates are not accepted). New keys are appended hashed, as `HashKnownHosts yes` does.
 */

export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority';
  hosts: string;
  keyType: string;
  key: string;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, value: string): boolean {
  if (pattern.length > 512) return false;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(value);
}

/** Does an entry's host field name `token`? */
export function hostsMatch(field: string, token: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), token)) return false;
    } else if (globMatch(p, token)) matched = true;
  }
  return matched;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const res: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const l = raw.trim();
    if (!l || l.startsWith('#')) continue;
    const parts = l.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (parts[0] === '@revoked' || parts[0] === '@cert-authority') marker = parts.shift() as KnownHostEntry['marker'];
    if (parts.length < 3) continue;
    res.push({ ...(marker ? { marker } : {}), hosts: parts[0]!, keyType: parts[1]!, key: parts[2]! });
  }
  return res;
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, ...). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict = { status: 'known' } | { status: 'unknown' } | { status: 'changed' } | { status: 'revoked' };

/** Compares a presented host key with the entries for `token`. A different key of the same type is "changed". */
export function checkHostKey(entries: readonly KnownHostEntry[], token: string, blob: Buffer): HostKeyVerdict {
  const b64 = blob.toString('base64');
  const type = keyTypeOf(blob);
  let sameTypeOther = false;
  for (const e of entries) {
    if (e.marker === '@cert-authority' || !hostsMatch(e.hosts, token)) continue;
    if (e.marker === '@revoked') {
      if (e.key === b64) return { status: 'revoked' };
      continue;
    }
    if (e.key === b64) return { status: 'known' };
    if (e.keyType === type) sameTypeOther = true;
  }
  return sameTypeOther ? { status: 'changed' } : { status: 'unknown' };
}

/** A hashed known_hosts line for `token`. */
export function hashedLine(token: string, blob: Buffer): string {
  const salt = randomBytes(20);
  const mac = createHmac('sha1', salt).update(token).digest('base64');
  return `|1|${salt.toString('base64')}|${mac} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
}

/** One known_hosts file; appends are serialized so that parallel discoveries do not lose each other's keys. */
export class KnownHostsFile {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async entries(): Promise<KnownHostEntry[]> {
    try {
      return parseKnownHosts(await fs.readFile(this.file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new WorkbenchError('file-io', `The known-hosts file ${path.basename(this.file)} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
  }

  async check(host: string, port: number, blob: Buffer): Promise<HostKeyVerdict> {
    await this.chain;
    return checkHostKey(await this.entries(), hostToken(host, port), blob);
  }

  /** Appends a hashed entry (the file and its folder are created when missing; mode 0600). */
  add(host: string, port: number, blob: Buffer): Promise<void> {
    const next = this.chain.then(async () => {
      let prev = '';
      try {
        prev = await fs.readFile(this.file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      if (checkHostKey(parseKnownHosts(prev), hostToken(host, port), blob).status === 'known') return;
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const body = `${prev}${prev && !prev.endsWith('\n') ? '\n' : ''}${hashedLine(hostToken(host, port), blob)}\n`;
      await writeFileAtomic(this.file, body);
      await fs.chmod(this.file, 0o600);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
