/** Well-known service names for the ports the dependency exports report, so the port filter reads as words. */
const SERVICES: Record<number, string> = {
  22: 'SSH',
  25: 'SMTP',
  53: 'DNS',
  80: 'HTTP',
  88: 'Kerberos',
  123: 'NTP',
  135: 'RPC',
  389: 'LDAP',
  443: 'HTTPS',
  445: 'SMB',
  636: 'LDAPS',
  1433: 'SQL Server',
  1521: 'Oracle',
  3268: 'Global catalog',
  3306: 'MySQL',
  3389: 'Remote Desktop',
  5432: 'PostgreSQL',
  5672: 'AMQP',
  5985: 'WinRM',
  5986: 'WinRM (HTTPS)',
  6379: 'Redis',
  8080: 'HTTP (alternate)',
  8443: 'HTTPS (alternate)',
  9100: 'Node exporter',
  27017: 'MongoDB',
};

/** `1433 (SQL Server)`, or the number alone when the port has no well-known service. */
export function portName(port: number): string {
  const s = SERVICES[port];
  return s ? `${port} (${s})` : String(port);
}

/** `ports 80 and 443`, `port 1433`: for sentences and accessible names. */
export function portsPhrase(ports: readonly string[]): string {
  if (ports.length === 1) return `port ${ports[0]}`;
  return `ports ${ports.slice(0, -1).join(', ')} and ${ports[ports.length - 1]}`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
