/**
 * Column names of AWS's two inventory import files, copied from AWS's documentation (read 2026-11-22):
 *
 * - Migration Hub / Application Discovery Service import template:
 *   https://docs.aws.amazon.com/application-discovery/latest/userguide/discovery-import.html
 *   ("Migration Hub import template" table).
 * - Application Migration Service (MGN) import parameters:
 *   https://docs.aws.amazon.com/mgn/latest/ug/import-main.html ("Import parameters" and "Additional considerations").
 *
 * The unit tests pin our export headers to these lists, so a change here has to be deliberate. See
 * main/services/inventory/README.md ("AWS import formats: provenance") for what the pages say about each field.
 */
import type { Server } from '../model/server';

/** Every field of the Migration Hub import template, in the documentation's order. */
export const MIGRATION_HUB_TEMPLATE_FIELDS = [
  'ExternalId', 'SMBiosId', 'IPAddress', 'MACAddress', 'HostName', 'VMware.MoRefId', 'VMware.VCenterId',
  'CPU.NumberOfProcessors', 'CPU.NumberOfCores', 'CPU.NumberOfLogicalCores', 'OS.Name', 'OS.Version', 'VMware.VMName',
  'RAM.TotalSizeInMB', 'RAM.UsedSizeInMB.Avg', 'RAM.UsedSizeInMB.Max', 'CPU.UsagePct.Avg', 'CPU.UsagePct.Max',
  'DiskReadsPerSecondInKB.Avg', 'DiskWritesPerSecondInKB.Avg', 'DiskReadsPerSecondInKB.Max', 'DiskWritesPerSecondInKB.Max',
  'DiskReadsOpsPerSecond.Avg', 'DiskWritesOpsPerSecond.Avg', 'DiskReadsOpsPerSecond.Max', 'DiskWritesOpsPerSecond.Max',
  'NetworkReadsPerSecondInKB.Avg', 'NetworkWritesPerSecondInKB.Avg', 'NetworkReadsPerSecondInKB.Max', 'NetworkWritesPerSecondInKB.Max',
  'Applications', 'ApplicationWave', 'Tags', 'ServerId',
] as const;

/**
 * The "required" fields (asterisked): each record needs at least one of them. VMware.MoRefId and
 * VMware.VCenterId only count together ("you must have both fields in the same record").
 */
export const MIGRATION_HUB_IDENTIFYING_FIELDS = ['ExternalId', 'IPAddress', 'MACAddress', 'HostName', 'VMware.MoRefId', 'VMware.VCenterId'] as const;

/**
 * What our Migration Hub export writes: the whole template except ServerId (a Migration Hub server id such as
 * `d-server-01kk9i6ywwaxmp`, which only Migration Hub assigns; when given it makes most other fields read-only).
 */
export const MIGRATION_HUB_EXPORT_COLUMNS = MIGRATION_HUB_TEMPLATE_FIELDS.filter((f) => f !== 'ServerId');

/** Lists inside one Migration Hub cell (IPAddress, MACAddress, Applications, Tags) are comma-delimited. */
export const MIGRATION_HUB_LIST_SEPARATOR = ', ';

/** MGN import parameters with a fixed name, in the documentation's order. */
export const MGN_FIXED_PARAMETERS = [
  'mgn:account-id', 'mgn:app:description', 'mgn:app:name', 'mgn:launch:iam-instance-profile:name', 'mgn:launch:instance-type',
  'mgn:launch:nic:0:network-interface-id', 'mgn:launch:nic:0:private-ip:0', 'mgn:launch:nic:0:security-group-id:0', 'mgn:launch:nic:0:subnet-id',
  'mgn:launch:placement:host-id', 'mgn:launch:placement:operating-system-licensing', 'mgn:launch:placement:tenancy',
  'mgn:region', 'mgn:server:fqdn-for-action-framework', 'mgn:server:platform', 'mgn:server:user-provided-id',
  'mgn:wave:description', 'mgn:wave:name', 'mgn:launch:transfer-server-tags',
] as const;

/**
 * MGN parameters whose name carries an index, a tag key or a volume name (the page gives them by example:
 * `mgn:app:tag:appkey1`, `mgn:launch:nic:0:…`, `mgn:launch:tag:instance:key1`, `mgn:launch:volume:/dev/sda:type`,
 * `mgn:server:tag:serverkey1`, `mgn:wave:tag:appkey1`).
 */
export const MGN_PATTERN_PARAMETERS: readonly RegExp[] = [
  /^mgn:app:tag:.+$/,
  /^mgn:wave:tag:.+$/,
  /^mgn:server:tag:.+$/,
  /^mgn:launch:tag:instance:.+$/,
  /^mgn:launch:nic:\d+:(network-interface-id|subnet-id)$/,
  /^mgn:launch:nic:\d+:(private-ip|security-group-id):\d+$/,
  /^mgn:launch:volume:.+:type$/,
];

export function isDocumentedMgnParameter(name: string): boolean {
  return (MGN_FIXED_PARAMETERS as readonly string[]).includes(name) || MGN_PATTERN_PARAMETERS.some((p) => p.test(name));
}

/** `mgn:server:platform`: the page says "The server's platform (Linux or Windows)". */
export function mgnPlatform(osFamily: string | undefined): 'Linux' | 'Windows' | undefined {
  return osFamily === 'windows' ? 'Windows' : osFamily === 'linux' ? 'Linux' : undefined;
}

/**
 * The boot volume name in `mgn:launch:volume:<name>:type`: the page's examples are `/dev/sda` for a Linux
 * machine and `c:0` for a Windows machine. The real name is the source server's own device name.
 */
export function mgnBootVolume(osFamily: string | undefined): string | undefined {
  return osFamily === 'windows' ? 'c:0' : osFamily === 'linux' ? '/dev/sda' : undefined;
}

/**
 * The MGN user-provided id: how MGN matches a row to a server ("used … to consistently recognize the server
 * replication, and avoid duplication"), so it must be unique in the file. The server name, unless two servers
 * share it; then their external or workbench id.
 */
export function mgnUserProvidedIds(servers: readonly Server[]): string[] {
  const count = new Map<string, number>();
  for (const s of servers) count.set(s.name.toLowerCase(), (count.get(s.name.toLowerCase()) ?? 0) + 1);
  return servers.map((s) => (count.get(s.name.toLowerCase())! > 1 ? s.identity.externalId ?? s.id : s.name));
}

const IP_LIKE = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)$/i;

/**
 * The value for `mgn:server:fqdn-for-action-framework`: the server's FQDN, else its host name, else its name.
 * The MGN page accepts an IP address or an FQDN, but the column's name and MGN's post-launch actions want a name
 * that still resolves after cutover (the source IP does not), so an IP is never written here.
 */
export function mgnServerAddress(s: Server): string | undefined {
  return [s.identity.fqdn, s.identity.hostName, s.name].find((v): v is string => !!v && !IP_LIKE.test(v.trim()));
}

