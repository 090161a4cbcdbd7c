import { Socket } from 'node:net';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { WorkbenchError } from '../../common/model/errors';
import { cancelledError, throwIfAborted } from '../../common/util/cancel';
import { fingerprint, keyTypeOf, type KnownHostsFile } from './known-hosts';
import { MAX_OUTPUT_BYTES } from './parse-common';

/** Where and as whom to log in. `name` is what the user typed (an alias); `host` is what is dialled. */
export interface SshTarget {
  name: string;
  host: string;
  port: number;
  user: string;
}

/** Credentials, in memory only: never written, never logged. */
export interface SshAuth {
  privateKey?: Buffer | string;
  passphrase?: string;
  password?: string;
  /** ssh-agent socket path (SSH_AUTH_SOCK). */
  agent?: string;
}

/** A host key seen for the first time and trusted (`--accept-new`): shown to the user. */
export interface NewHostKey {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

export interface SessionOptions {
  knownHosts: KnownHostsFile;
  acceptNew: boolean;
  onNewHostKey?: (k: NewHostKey) => void;
  /** Connect + handshake + authentication (default 10 s). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

const where = (t: SshTarget) => `${t.name}${t.port === 22 ? '' : `:${t.port}`}`;

/** One authenticated SSH connection; `exec` runs fixed command strings over exec channels. */
export class SshSession {
  private closed = false;

  private constructor(
    private readonly client: Client,
    readonly target: SshTarget,
    private readonly signal: AbortSignal | undefined,
  ) {
    client.on('close', () => (this.closed = true));
  }

  static async open(target: SshTarget, auth: SshAuth, opts: SessionOptions): Promise<SshSession> {
    throwIfAborted(opts.signal, `Discovery of ${where(target)} cancelled.`);
    const client = new Client();
    let verdict: 'known' | 'unknown' | 'changed' | 'revoked' | 'error' | undefined;
    let presented: NewHostKey | undefined;
    const timeout = opts.connectTimeoutMs ?? 10_000;
    return new Promise<SshSession>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) {
          client.end();
          client.destroy();
          reject(err);
        } else resolve(new SshSession(client, target, opts.signal));
      };
      const onAbort = () => finish(cancelledError(`Discovery of ${where(target)} cancelled.`));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // ssh2's readyTimeout starts after the TCP connect; this one covers the whole login.
      const timer = setTimeout(() => finish(new WorkbenchError('ssh-timeout', `${where(target)} did not complete the SSH login within ${Math.round(timeout / 100) / 10} s.`)), timeout);
      const hostVerifier = (key: Buffer, verify: (ok: boolean) => void) => {
        const info: NewHostKey = { host: target.host, port: target.port, keyType: keyTypeOf(key), fingerprint: fingerprint(key) };
        presented = info;
        opts.knownHosts
          .check(target.host, target.port, key)
          .then(async (v) => {
            verdict = v.status;
            if (v.status === 'known') return verify(true);
            if (v.status === 'unknown' && opts.acceptNew) {
              await opts.knownHosts.add(target.host, target.port, key);
              opts.onNewHostKey?.(info);
              return verify(true);
            }
            verify(false);
          })
          .catch(() => {
            verdict = 'error';
            verify(false);
          });
      };
      client.on('ready', () => finish(null));
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        const k = presented ? `${presented.keyType} ${presented.fingerprint}` : 'its key';
        if (verdict === 'unknown') finish(new WorkbenchError('ssh-host-key-unknown', `The host key of ${where(target)} (${k}) is not in the known-hosts file; check the fingerprint and run again with --accept-new to trust it.`, presented));
        else if (verdict === 'changed') finish(new WorkbenchError('ssh-host-key-changed', `The host key of ${where(target)} has CHANGED (now ${k}); this can be an attack. Remove the old entry from the known-hosts file only if you know why it changed.`, presented));
        else if (verdict === 'revoked') finish(new WorkbenchError('ssh-host-key-changed', `The host key of ${where(target)} (${k}) is marked @revoked in the known-hosts file.`, presented));
        else if (verdict === 'error') finish(new WorkbenchError('file-io', `The known-hosts file could not be read or written while checking ${where(target)}.`));
        else if (err.level === 'client-authentication') finish(new WorkbenchError('ssh-auth-failed', `${where(target)} refused the login of ${target.user} (${authSaid(auth)}).`));
        else if (err.level === 'client-timeout' || /timed out/i.test(err.message)) finish(new WorkbenchError('ssh-timeout', `${where(target)} did not answer the SSH handshake in time.`));
        else finish(new WorkbenchError('ssh-unreachable', `${where(target)} could not be reached over SSH (${err.code ?? err.message.slice(0, 80)}).`));
      });
      client.on('close', () => finish(new WorkbenchError('ssh-unreachable', `${where(target)} closed the connection during the SSH login.`)));
      // Our own socket (connecting before ssh2 sees it), so that the SSH packets one tick sends go out in one write.
      const sock = batchingSocket(target.port, target.host);
      sock.setMaxListeners(0);
      const config: ConnectConfig = {
        sock,
        host: target.host,
        port: target.port,
        username: target.user,
        readyTimeout: timeout,
        hostVerifier,
        keepaliveInterval: 0,
        ...(auth.privateKey ? { privateKey: auth.privateKey } : {}),
        ...(auth.passphrase ? { passphrase: auth.passphrase } : {}),
        ...(auth.password !== undefined ? { password: auth.password } : {}),
        ...(auth.agent ? { agent: auth.agent } : {}),
      };
      try {
        client.connect(config);
      } catch (e) {
        // ssh2 throws synchronously for a private key it cannot parse (or a wrong passphrase).
        finish(new WorkbenchError('ssh-auth-failed', `The private key could not be used (${e instanceof Error ? e.message.slice(0, 80) : 'unreadable'}).`));
      }
    });
  }

  /** Runs one fixed command; output beyond MAX_OUTPUT_BYTES or time beyond `timeoutMs` ends it with a typed error. */
  exec(command: string, timeoutMs = 30_000, label = command.split(' ')[0] ?? command): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new WorkbenchError('ssh-unreachable', `The connection to ${where(this.target)} was closed.`));
    return new Promise<ExecResult>((resolve, reject) => {
      let channel: ClientChannel | undefined;
      let settled = false;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const finish = (e: Error | null, code: number | null = null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        if (e) {
          channel?.close();
          reject(e);
        } else resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8').slice(0, 2000), code });
      };
      const onAbort = () => finish(cancelledError(`Discovery of ${where(this.target)} cancelled.`));
      if (this.signal?.aborted) return onAbort();
      this.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => finish(new WorkbenchError('ssh-timeout', `${label} on ${where(this.target)} did not finish within ${timeoutMs / 1000} s.`)), timeoutMs);
      this.client.exec(command, (e, ch) => {
        if (e) return finish(new WorkbenchError('ssh-command-failed', `${where(this.target)} refused to run a command (${e.message.slice(0, 80)}).`));
        channel = ch;
        if (settled) return ch.close();
        ch.on('data', (d: Buffer) => {
          size += d.length;
          if (size > MAX_OUTPUT_BYTES) return finish(new WorkbenchError('ssh-output-unreadable', `A command on ${where(this.target)} printed more than ${MAX_OUTPUT_BYTES >> 20} MiB; stopped.`));
          out.push(d);
        });
        ch.stderr.on('data', (d: Buffer) => {
          if (err.length < 16) err.push(d);
        });
        ch.on('close', (code: number | null) => finish(null, typeof code === 'number' ? code : null));
      });
    });
  }

  /**
   * Opens the server's `sftp` subsystem (OpenSSH's internal-sftp runs in sshd without a shell; an external
   * sftp-server is started through the login shell once). Refused, or not ready within `timeoutMs`: a typed
   * `ssh-command-failed` / `ssh-timeout` the caller can fall back from; cancel: `cancelled`.
   */
  openSftp(timeoutMs = 30_000): Promise<SFTPWrapper> {
    if (this.closed) return Promise.reject(new WorkbenchError('ssh-unreachable', `The connection to ${where(this.target)} was closed.`));
    return new Promise<SFTPWrapper>((resolve, reject) => {
      let settled = false;
      const finish = (e: Error | null, sftp?: SFTPWrapper) => {
        if (settled) {
          if (sftp) sftp.end();
          return;
        }
        settled = true;
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        if (e) reject(e);
        else resolve(sftp!);
      };
      const onAbort = () => finish(cancelledError(`Discovery of ${where(this.target)} cancelled.`));
      if (this.signal?.aborted) return onAbort();
      this.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => finish(new WorkbenchError('ssh-timeout', `${where(this.target)} did not start its SFTP subsystem within ${timeoutMs / 1000} s.`)), timeoutMs);
      try {
        this.client.sftp((e, sftp) => {
          if (e) finish(new WorkbenchError('ssh-command-failed', `${where(this.target)} refused SFTP (${e.message.slice(0, 80)}).`));
          else finish(null, sftp);
        });
      } catch (e) {
        finish(new WorkbenchError('ssh-unreachable', `The connection to ${where(this.target)} was closed (${e instanceof Error ? e.message.slice(0, 60) : 'error'}).`));
      }
    });
  }

  close(): void {
    this.client.end();
  }
}

/**
 * A TCP socket, connecting, that corks on the first write and uncorks once the event loop has handled the I/O that
 * was ready (`setImmediate`): the SFTP requests (each its own SSH packet) sent while answers are handled leave in
 * one writev instead of one system call each, which was most of the client's CPU when 20 hosts are read at once.
 * (`connect` resets `write` to the prototype's, so the wrapper goes on after it.)
 */
export function batchingSocket(port: number, host: string): Socket {
  const sock = new Socket();
  sock.connect(port, host);
  const write = sock.write.bind(sock) as (...a: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    sock.uncork();
  };
  sock.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      sock.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as typeof sock.write;
  return sock;
}

function authSaid(a: SshAuth): string {
  const m = [a.privateKey ? 'key' : '', a.agent ? 'agent' : '', a.password !== undefined ? 'password' : ''].filter(Boolean);
  return m.length ? `tried ${m.join(', ')}` : 'no credentials given';
}
