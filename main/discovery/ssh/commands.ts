/**
 * Every command SSH discovery runs: fixed strings, nothing from the user is ever put in them. `LC_ALL=C` keeps
 * headers and number formats in the form the parsers read.
 */
export const SSH_COMMANDS = {
  osRelease: 'cat /etc/os-release',
  uname: 'uname -srm',
  hostname: 'hostname',
  fqdn: 'hostname -f',
  machineId: 'cat /etc/machine-id',
  cpuinfo: 'cat /proc/cpuinfo',
  nproc: 'nproc',
  meminfo: 'cat /proc/meminfo',
  lsblk: 'lsblk -J -b -o NAME,KNAME,TYPE,SIZE,MODEL,SERIAL,FSTYPE,MOUNTPOINT',
  df: 'LC_ALL=C df -PT',
  ipAddr: 'ip -j addr',
  ss: 'ss -tunapH',
  ssFallback: 'ss -Htan',
  services: 'systemctl list-units --type=service --state=running --no-legend --plain',
  sample: 'head -c 4000000 /proc/stat /proc/meminfo /proc/diskstats /proc/net/dev',
} as const;
export type SshCommand = keyof typeof SSH_COMMANDS;
