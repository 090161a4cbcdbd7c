import type { SFTPWrapper } from 'ssh2';
import { WorkbenchError } from '../../common/model/errors';
import { cancelledError } from '../../common/util/cancel';

/** Most bytes read from one file (a `/proc/net/tcp` of a busy host is the largest expected). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Requests in flight on one SFTP channel: enough to hide the round trip, few enough to keep the server fair. */
const IN_FLIGHT = 32;
/** Bytes asked for by one read request (OpenSSH serves up to 256 KiB; procfs answers a page or more at a time). */
const CHUNK = 64 * 1024;

/** What `statvfs@openssh.com` answers (the fields `df` uses). */
export interface FsStats {
  frsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

/** SSH_FX_EOF: the end of a directory listing. */
const EOF = 1;
/** SSH_FX_NO_SUCH_FILE. */
const NO_SUCH_FILE = 2;
/** SSH_FX_PERMISSION_DENIED. */
export const PERMISSION_DENIED = 3;
/** Entries OpenSSH's sftp-server puts in one READDIR answer (sftp-server.c: "send up to 100 entries"). */
const OPENSSH_READDIR_BATCH = 100;

/**
 * Files that answer whole in one read when shorter than asked: sysfs attributes, sysctl values (`/proc/sys`), regular
 * files under `/etc` and systemd's unit directories, and procfs files printed as a single record (`/proc/PID/comm`,
 * `/proc/PID/status`, `/proc/uptime`, `/proc/meminfo`,
 * `/proc/stat`).
 */
export function oneRead(path: string): boolean {
  return /^\/(sys|etc|proc\/sys|run\/systemd|(usr\/)?lib\/systemd)\//.test(path) || /^\/proc\/(\d+|self)\/(comm|status)$/.test(path) || /^\/proc\/(uptime|meminfo|stat)$/.test(path);
}

/** What `coalesceRequests` needs of ssh2's SFTP channel (private fields of ssh2 1.x; checked before use). */
interface SftpInternals {
  _protocol?: { channelData?: (id: number, data: Buffer) => void };
  outgoing?: { id: number; packetSize: number };
}

/**
 * ssh2 sends each SFTP request as its own SSH packet (encrypted, padded with fresh random bytes, and parsed by sshd one
 * by one). The requests sent in one turn of the event loop go out instead as few CHANNEL_DATA packets as the peer's
 * maximum packet size allows: SFTP is a byte stream inside the channel, so the server reads the same requests in the
 * same order. ssh2 has already counted each request against the channel's window. Any other call the channel makes
 * (its close) sends what is pending first. Returns false, changing nothing, where ssh2's internals are not as
 * expected (ssh2 is pinned to an exact version in package.json).
 */
export function coalesceRequests(sftp: SFTPWrapper): boolean {
  const internals = sftp as unknown as SftpInternals;
  const protocol = internals._protocol;
  const outgoing = internals.outgoing;
  if (!protocol || typeof protocol.channelData !== 'function' || !outgoing || !(outgoing.packetSize > 0)) return false;
  const send = protocol.channelData.bind(protocol);
  let pending: Buffer[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const parts = pending;
    pending = [];
    let group: Buffer[] = [];
    let size = 0;
    for (const p of parts) {
      if (size + p.length > outgoing.packetSize && group.length) {
        send(outgoing.id, group.length === 1 ? group[0]! : Buffer.concat(group, size));
        group = [];
        size = 0;
      }
      group.push(p);
      size += p.length;
    }
    if (group.length) send(outgoing.id, group.length === 1 ? group[0]! : Buffer.concat(group, size));
  };
  internals._protocol = new Proxy(protocol, {
    get(target, prop, receiver) {
      if (prop === 'channelData')
        return (id: number, data: Buffer) => {
          if (id !== outgoing.id) {
            if (pending.length) flush();
            return send(id, data);
          }
          // Each request is a buffer of its own that ssh2 does not touch again, so it is kept as it is until the flush.
          pending.push(data);
          if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        };
      if (pending.length) flush();
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return true;
}

/** ssh2's `readdir(handle, { full }, cb)` (its type declarations omit the options of the handle form). */
type ReaddirFull = (handle: Buffer, opts: { full: boolean }, cb: (e: (Error & { code?: number }) | undefined, list: { filename: string; attrs?: { mode?: number; uid?: number } }[]) => void) => void;

type Done<T> = (err: (Error & { code?: number | string }) | undefined | null, v?: T) => void;

/**
 * Reads files, directories and links of one host over an SFTP channel (the server's sftp subsystem: OpenSSH's
 * internal-sftp starts no shell). Every call is bounded: at most `IN_FLIGHT` requests at once, each file read to at
 * most its cap, and all of them fail at once with a typed error when the deadline passes, the signal aborts or the
 * channel closes. A path the server answers with an error status (missing, not permitted, gone) is `undefined`.
 */
export class SftpReader {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private failure: Error | undefined;
  private readonly pending = new Set<(e: Error) => void>();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort: () => void;
  /** Requests sent, and how many of them were answered with an error status (for the figures and the tests). */
  requests = 0;
  unreadable = 0;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly where: string,
    timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.fail(new WorkbenchError('ssh-timeout', `Reading the host facts over SFTP on ${where} did not finish within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    this.onAbort = () => this.fail(cancelledError(`Discovery of ${where} cancelled.`));
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted) this.onAbort();
    coalesceRequests(sftp);
    sftp.on('close', () => this.fail(new WorkbenchError('ssh-unreachable', `The SFTP channel to ${where} was closed.`)));
    sftp.on('error', (e: Error) => this.fail(new WorkbenchError('ssh-unreachable', `The SFTP channel to ${where} failed (${e.message.slice(0, 80)}).`)));
  }

  /** Ends the channel; pending and later calls fail. */
  close(): void {
    this.fail(new WorkbenchError('ssh-unreachable', `The SFTP channel to ${this.where} was closed.`));
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    for (const reject of this.pending) reject(e);
    this.pending.clear();
    for (const next of this.queue.splice(0)) next();
    try {
      this.sftp.end();
    } catch {
      // already ended
    }
  }

  /** The error that ended this reader (timeout, cancel, channel closed), if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** One SFTP request, queued behind IN_FLIGHT others; "no such file" and "permission denied" answer undefined. */
  private call<T>(send: (done: Done<T>) => void): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const start = () => {
        if (this.failure) return reject(this.failure);
        this.active++;
        let settled = false;
        const settle = () => {
          if (settled) return false;
          settled = true;
          this.active--;
          this.pending.delete(onFail);
          this.queue.shift()?.();
          return true;
        };
        const onFail = (e: Error) => settle() && reject(e);
        this.pending.add(onFail);
        this.requests++;
        try {
          send((err, v) => {
            if (!settle()) return;
            if (!err) return resolve(v);
            // Any status answer (no such file, permission denied, or a generic failure such as a process that ended
            // while its /proc entries were read) means this one path cannot be read.
            if (typeof err.code === 'number' || err.code === 'ENOENT') {
              this.unreadable++;
              return resolve(undefined);
            }
            reject(new WorkbenchError('ssh-command-failed', `SFTP on ${this.where} failed (${String(err.message).slice(0, 80)}).`));
          });
        } catch (e) {
          // ssh2 throws synchronously when the channel is gone or the server lacks an extension.
          if (settle()) reject(new WorkbenchError('ssh-command-failed', `SFTP on ${this.where} refused a request (${e instanceof Error ? e.message.slice(0, 80) : 'error'}).`));
        }
      };
      if (this.active < IN_FLIGHT) start();
      else this.queue.push(start);
    });
  }

  /**
   * A whole file as text, at most `maxBytes` (then `truncated`); undefined when it does not exist or may not be read.
   * procfs reports a size of 0 and answers a multi-record file (`/proc/net/tcp`, `/proc/cpuinfo`) a page or so at a
   * time, so reads go on until the server says end of file; a file that answers whole in one read (`oneRead`) stops at
   * the first short read, which saves a request per file.
   */
  async readFile(path: string, maxBytes = 1024 * 1024): Promise<{ text: string; truncated: boolean } | undefined> {
    const whole = oneRead(path);
    const handle = await this.call<Buffer>((done) => this.sftp.open(path, 'r', (e, h) => done(e, h)));
    if (!handle) return undefined;
    const parts: Buffer[] = [];
    let size = 0;
    let truncated = false;
    try {
      for (;;) {
        const want = Math.min(CHUNK, maxBytes - size);
        if (want <= 0) {
          truncated = true;
          break;
        }
        const buf = Buffer.allocUnsafe(want);
        const n = await this.call<number>((done) => this.sftp.read(handle, buf, 0, want, size, (e, bytes) => done(e, bytes)));
        if (!n) break;
        parts.push(buf.subarray(0, n));
        size += n;
        if (whole && n < want) break;
      }
    } finally {
      // Closing is not waited for by the caller's result, but it is one of the bounded requests.
      void this.call<void>((done) => this.sftp.close(handle, (e) => done(e))).catch(() => undefined);
    }
    return { text: Buffer.concat(parts).toString('utf8'), truncated };
  }

  /** The first `n` bytes of a file (an ELF header), or undefined. */
  async readHead(path: string, n: number): Promise<Buffer | undefined> {
    const handle = await this.call<Buffer>((done) => this.sftp.open(path, 'r', (e, h) => done(e, h)));
    if (!handle) return undefined;
    try {
      const buf = Buffer.alloc(n);
      const got = await this.call<number>((done) => this.sftp.read(handle, buf, 0, n, 0, (e, bytes) => done(e, bytes)));
      return buf.subarray(0, got ?? 0);
    } finally {
      void this.call<void>((done) => this.sftp.close(handle, (e) => done(e))).catch(() => undefined);
    }
  }

  /**
   * Names in a directory (without `.` and `..`), at most `max`; undefined when it cannot be listed. OpenSSH's
   * sftp-server answers up to 100 entries per READDIR and stops early only at the end, so a shorter answer from it
   * is the whole directory (one request fewer per directory: the process scan lists hundreds of them).
   */
  async readdir(path: string, max = 65_536): Promise<string[] | undefined> {
    return (await this.entries(path, max))?.map((e) => e.name);
  }

  /** Names with their `lstat` mode and owner, as READDIR answers them; undefined when the directory cannot be listed. */
  async entries(path: string, max = 65_536): Promise<{ name: string; mode: number; uid?: number }[] | undefined> {
    const handle = await this.call<Buffer>((done) => this.sftp.opendir(path, (e, h) => done(e, h)));
    if (!handle) return undefined;
    const names: { name: string; mode: number; uid?: number }[] = [];
    try {
      while (names.length < max) {
        const list = await this.call<{ filename: string; attrs?: { mode?: number; uid?: number } }[] | false>((done) =>
          // `full`: ssh2 would drop `.` and `..` from the answer, and the count must be the server's.
          (this.sftp.readdir as unknown as ReaddirFull).call(this.sftp, handle, { full: true }, (e, l) => (e && e.code === EOF ? done(undefined, false) : done(e, l))),
        );
        if (!list) break;
        for (const e of list) if (e.filename !== '.' && e.filename !== '..' && names.length < max) names.push({ name: e.filename, mode: e.attrs?.mode ?? 0, ...(typeof e.attrs?.uid === 'number' ? { uid: e.attrs.uid } : {}) });
        if (this.openssh && list.length < OPENSSH_READDIR_BATCH) break;
      }
    } finally {
      void this.call<void>((done) => this.sftp.close(handle, (e) => done(e))).catch(() => undefined);
    }
    return names;
  }

  /** Whether the server is OpenSSH (its sftp-server's READDIR batch size is known). */
  private get openssh(): boolean {
    return (this.sftp as unknown as { _isOpenSSH?: boolean })._isOpenSSH === true;
  }

  /** A symbolic link's target, or undefined. */
  readlink(path: string): Promise<string | undefined> {
    return this.call<string>((done) => this.sftp.readlink(path, (e, t) => done(e, t)));
  }

  /**
   * A symbolic link's target, or the status the server answered instead (`PERMISSION_DENIED`, no such file, …):
   * a `/proc/PID/fd` link refused for lack of permission means every link of that process is.
   */
  async readlinkStatus(path: string): Promise<string | number> {
    const r = await this.call<string | number>((done) =>
      this.sftp.readlink(path, (e: (Error & { code?: number | string }) | undefined, t) => {
        if (e && typeof e.code === 'number') {
          this.unreadable++;
          return done(undefined, e.code);
        }
        done(e, t);
      }),
    );
    return r ?? NO_SUCH_FILE;
  }

  /** `statvfs(3)` of a mount point (OpenSSH's `statvfs@openssh.com`); undefined when the server lacks it. */
  async statvfs(path: string): Promise<FsStats | undefined> {
    if (!this.hasStatvfs) return undefined;
    const s = await this.call<{ f_frsize: number; f_blocks: number; f_bfree: number; f_bavail: number }>((done) => this.sftp.ext_openssh_statvfs(path, (e: Error | undefined, st: { f_frsize: number; f_blocks: number; f_bfree: number; f_bavail: number }) => done(e, st)));
    return s ? { frsize: Number(s.f_frsize), blocks: Number(s.f_blocks), bfree: Number(s.f_bfree), bavail: Number(s.f_bavail) } : undefined;
  }

  /** Whether the server offers `statvfs@openssh.com` (OpenSSH does; others may not). */
  get hasStatvfs(): boolean {
    return (this.sftp as unknown as { _extensions?: Record<string, string> })._extensions?.['statvfs@openssh.com'] === '2';
  }
}
