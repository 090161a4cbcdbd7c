/**
 * Every command SSH discovery runs: fixed strings, nothing from the user is ever put in them. `LC_ALL=C` keeps
 * headers and number formats in the form the parsers read.
 *
 * They go to the host in one exec channel as one fixed script (`factsScript`), each command's output framed by a
 * marker line carrying a random per-run nonce (so output cannot forge a frame) and its exit status: a login shell
 * can take seconds to start (`.bashrc` hooks such as `pyenv init`), and one shell per host instead of one per command
 * keeps discovery of a host at about one shell start. Utilization samples are one more fixed loop (`sampleScript`).
 */
export const SSH_COMMANDS = {
  hostname: 'hostname',
  fqdn: 'hostname -f',
  machineId: 'cat /etc/machine-id',
  osRelease: 'cat /etc/os-release',
  uname: 'uname -srm',
  cpuinfo: 'cat /proc/cpuinfo',
  nproc: 'nproc',
  meminfo: 'cat /proc/meminfo',
  lsblk: 'lsblk -J -b -o NAME,KNAME,TYPE,SIZE,MODEL,SERIAL,FSTYPE,MOUNTPOINT',
  df: 'df -PT',
  ipAddr: 'ip -j addr',
  ss: 'ss -tunapH',
  ssFallback: 'ss -Htan',
  services: 'systemctl list-units --type=service --state=running --no-legend --plain',
} as const;
export type SshCommand = keyof typeof SSH_COMMANDS;

/** The kernel counters one utilization sample reads. */
export const SAMPLE_COMMAND = 'head -c 4000000 /proc/stat /proc/meminfo /proc/diskstats /proc/net/dev';

const NONCE_RE = /^[0-9a-f]{16,64}$/;

/**
 * One POSIX sh script running every command of SSH_COMMANDS (stdin closed, stderr dropped), each framed as
 * `@@<nonce> <name>` … `@@<nonce>-exit <status>`.
 */
export function factsScript(nonce: string): string {
  if (!NONCE_RE.test(nonce)) throw new Error('nonce must be hex');
  const parts = Object.entries(SSH_COMMANDS).map(([name, cmd]) => `printf '\\n@@${nonce} ${name}\\n'; LC_ALL=C ${cmd} </dev/null 2>/dev/null; printf '\\n@@${nonce}-exit %s\\n' $?`);
  return parts.join('; ');
}

/** Splits the script's output into each command's stdout and exit status. */
export function splitFacts(out: string, nonce: string): Map<SshCommand, { stdout: string; code: number | null }> {
  const res = new Map<SshCommand, { stdout: string; code: number | null }>();
  const open = new RegExp(`\\n@@${nonce} ([A-Za-z]+)\\n`, 'g');
  const names = new Set(Object.keys(SSH_COMMANDS));
  for (const m of out.matchAll(open)) {
    const name = m[1]!;
    if (!names.has(name) || res.has(name as SshCommand)) continue;
    const start = m.index + m[0].length;
    const closeMark = `\n@@${nonce}-exit `;
    const end = out.indexOf(closeMark, start);
    if (end < 0) {
      res.set(name as SshCommand, { stdout: out.slice(start), code: null });
      continue;
    }
    const code = /^(\d{1,3})/.exec(out.slice(end + closeMark.length, end + closeMark.length + 4));
    res.set(name as SshCommand, { stdout: out.slice(start, end), code: code ? Number(code[1]) : null });
  }
  return res;
}

/**
 * `count` samples `interval` seconds apart, each headed `@@<nonce>-sample <epoch ns>` (the host's clock). Both
 * numbers are formatted here from validated numbers; nothing else varies.
 */
export function sampleScript(nonce: string, count: number, intervalSeconds: number): string {
  if (!NONCE_RE.test(nonce)) throw new Error('nonce must be hex');
  const n = Math.max(2, Math.min(100_000, Math.floor(count)));
  const s = Math.max(0.1, Math.min(3600, intervalSeconds)).toFixed(2);
  return `i=0; while [ $i -lt ${n} ]; do printf '@@${nonce}-sample %s\\n' "$(date +%s%N)"; LC_ALL=C ${SAMPLE_COMMAND} </dev/null 2>/dev/null; i=$((i+1)); [ $i -lt ${n} ] && sleep ${s}; done; true`;
}

/** Splits the sample loop's output into each sample's text and the host's time (ms). */
export function splitSamples(out: string, nonce: string): { at: number; text: string }[] {
  const re = new RegExp(`^@@${nonce}-sample (\\d{1,25})$`, 'gm');
  const heads = [...out.matchAll(re)];
  return heads.slice(0, 100_000).map((h, i) => ({
    at: Number(h[1]!.slice(0, -6) || '0'),
    text: out.slice(h.index + h[0].length, i + 1 < heads.length ? heads[i + 1]!.index : out.length),
  }));
}
