import { InvalidArgumentError, Option, type Command } from 'commander';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../common/verify/hashes';
import { lazyAction, type CommandModule } from './context';

/*
 * The static command table. Each entry defines one command's help (name, description, arguments, options)
 * with commander alone, and loads the command's code (services, importers, verifiers) only when it runs:
 * `mwb --version` and `mwb CMD --help` start as fast as Node does. Adding a command is one entry here
 * plus its `*.command.ts` module, whose action the entry names through `lazyAction`.
 */

/** The formats `mwb import --kind` accepts: the same list as ImporterKindSchema (a test keeps them equal; zod is not loaded for --help). */
export const IMPORT_KINDS = ['rvtools', 'migration-hub-csv', 'azure-migrate-csv', 'cmf-intake-csv', 'sms-json', 'azure-migrate-dependencies'] as const;

const collect = (v: string, prev: string[]) => [...prev, v];

/** `--hash md5,sha256`: the digests to compute, in HASH_ALGORITHMS order. */
export function parseHashList(v: string): HashAlgorithm[] {
  const asked = v
    .split(',')
    .map((s) => s.trim().toLowerCase().replace(/-/g, ''))
    .filter(Boolean);
  const unknown = asked.filter((a) => !(HASH_ALGORITHMS as readonly string[]).includes(a));
  if (asked.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`--hash takes a comma-separated list of ${HASH_ALGORITHMS.join(', ')}${unknown.length ? `; not ${unknown.join(', ')}` : ''}.`);
  return HASH_ALGORITHMS.filter((a) => asked.includes(a));
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be a whole number from 0 to 65535, got ${v}`);
  return n;
}

const serve: CommandModule = (program) => {
  program
    .command('serve')
    .description('open the workbench in a browser (loopback only); prints the URL to open')
    .option('-p, --port <port>', 'port on 127.0.0.1 (default: a free one)', parsePort)
    .option('--project <file>', 'open this project instead of the demo estate')
    .action(lazyAction(() => import('./serve.command'), (m) => m.serveAction));
};

const importCmd: CommandModule = (program) => {
  program
    .command('import')
    .description('import inventory files (RVTools xlsx/CSV/zip, Migration Hub CSV, Azure Migrate CSV, CMF intake CSV, SMS JSON) into a project')
    .argument('<files...>', 'files to import; RVTools per-tab CSVs may be given together')
    .requiredOption('--project <file>', 'project file to update (created when missing); saved atomically')
    .option('--json', 'print a machine-readable summary on stdout')
    .option('--kind <kind>', `force the format (${IMPORT_KINDS.join(', ')})`)
    .option('--remove-gone', 'remove servers of the same source that the export no longer lists')
    .action(lazyAction(() => import('./import.command'), (m) => m.importAction));
};

const verify: CommandModule = (program) => {
  program
    .command('verify')
    .description('check hashes, checksum sidecars and signatures (Authenticode of PowerShell scripts, PE executables and MSI packages; OVA manifests and certificates), offline')
    .argument('<file...>', 'files to verify, or folders of them (checksum files among them are used as sidecars)')
    .option('--hash <list>', `digests to compute and print, comma-separated from ${HASH_ALGORITHMS.join(', ')} (default: md5,sha256 plus every algorithm a checksum file names)`, parseHashList)
    .option('--trust <pem>', 'trust this root/intermediate certificate (PEM or DER); repeatable', collect, [])
    .option('--publisher <thumbprint>', 'accept only signers with this SHA-1 or SHA-256 thumbprint; repeatable', collect, [])
    .option('--crl <pem>', 'check revocation against this CRL; repeatable', collect, [])
    .option('--sidecar <file>', 'use this checksum file instead of looking next to each file; repeatable', collect, [])
    .option('--json', 'print one JSON object per file (file, kind, status, reasons, signer, hashes, sidecars)')
    .option('--project <file>', "also use this project's trust settings and keep the results in it (saved)")
    .addHelpText('after', '\nExit status: 0 every file verified, 1 any file not verified, 2 usage error, 130 interrupted (Ctrl-C).')
    .action(lazyAction(() => import('./verify.command'), (m) => m.verifyAction));
};

function exportOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--project <file>', 'the project file (.mwb.json)')
    .requiredOption('--app <name>', 'the application (name or id)')
    .requiredOption('--out <path>', 'where to write')
    .addOption(new Option('--format <format>', 'template format').choices(['yaml', 'json']).default('yaml'))
    .option('--account <id>', 'target AWS account (12 digits) where the project defaults have none')
    .option('--region <code>', 'target AWS Region where the project defaults have none')
    .addOption(new Option('--wait <strategy>', 'how each launch group waits for the previous one').choices(['depends-on', 'wait-condition']).default('depends-on'));
}

const exportCmd: CommandModule = (program) => {
  const exp = program.command('export').description('export an application as CloudFormation or as a hand-off bundle');
  exportOptions(exp.command('cloudformation').description('write the validated CloudFormation template of an application (--out FILE)')).action(
    lazyAction(() => import('./export.command'), (m) => m.exportCloudFormationAction),
  );
  exportOptions(exp.command('bundle').description('write the hand-off bundle of an application (--out DIR, or a .zip with --zip)'))
    .option('--zip', 'write one zip file instead of a folder')
    .action(lazyAction(() => import('./export.command'), (m) => m.exportBundleAction));
};

const assess: CommandModule = (program) => {
  program
    .command('assess')
    .description('assess a project: readiness, right-sized EC2 types, monthly cost and approach per server')
    .requiredOption('--project <file>', 'the project file (.mwb.json); read only')
    .option('--region <region>', "price region (us-east-1, eu-west-1); default: the project's assumption")
    .option('--json', 'print per-server readiness, findings, proposed type and monthly cost, and the totals, as JSON')
    .option('--out <file>', 'also write the report: a workbook (.xlsx) or the printable report (.pdf, printed by Chromium)')
    .action(lazyAction(() => import('./assess.command'), (m) => m.assessAction));
};

const disk: CommandModule = (program) => {
  program
    .command('disk')
    .description('inspect a disk image (raw, VMDK, VHD, VHDX, qcow2, OVA): format, backing chain, size, allocation; --hash reads it all')
    .argument('<file>', 'the disk image')
    .option('--format <format>', 'skip probing: raw, vmdk, vhd, vhdx, qcow2, ova')
    .option('--disk <name>', 'OVA only: the disk inside to open (default: the first .vmdk)')
    .option('--hash', 'read the whole logical disk: SHA-256 (as of `qemu-img convert -O raw`) and blocks holding data')
    .option('--json', 'print one JSON object')
    .action(lazyAction(() => import('./disk.command'), (m) => m.diskAction));
};

const discover: CommandModule = (program) => {
  const d = program.command('discover').description('discover servers live (vCenter over the vSphere API, libvirt through virsh, Hyper-V through PowerShell, VirtualBox, VMware Workstation .vmx files, Azure, Linux hosts over SSH) and merge them into a project');
  d.command('vcenter')
    .description('discover the VMs of a vCenter or ESXi host; the password is read from stdin and never stored')
    .requiredOption('--url <url>', 'vCenter address (https://HOST/sdk)')
    .requiredOption('--user <user>', 'user name (read-only is enough)')
    .option('--password-stdin', 'read the password from the first line of stdin (required)')
    .option('--thumbprint <sha1>', "accept the server's certificate with this SHA-1 thumbprint (a self-signed vCenter)")
    .addOption(new Option('--perf-period <period>', 'utilization (CPU, memory, disk, network: average, p95, max) from the performance statistics of the last day, week or month; none: quick stats only').choices(['none', 'day', 'week', 'month']).default('none'))
    .requiredOption('--project <file>', 'project file to update (created when missing); saved atomically')
    .option('--remove-gone', 'remove servers of this vCenter that it no longer lists')
    .option('--json', 'print the same summary as mwb import --json')
    .addHelpText('after', '\nExit status: 0 done, 1 failed (the message says: login refused, unreachable, certificate not trusted with its thumbprint, unreadable answer), 2 usage error.')
    .action(lazyAction(() => import('./discover.command'), (m) => m.discoverVcenterAction));
  d.command('libvirt')
    .description('discover the domains of a libvirt connection (virsh, read-only)')
    .requiredOption('--uri <uri>', 'libvirt connection URI (qemu:///system, qemu+ssh://user@host/system)')
    .requiredOption('--project <file>', 'project file to update (created when missing); saved atomically')
    .option('--remove-gone', 'remove servers of this connection that it no longer lists')
    .option('--json', 'print the same summary as mwb import --json')
    .action(lazyAction(() => import('./discover.command'), (m) => m.discoverLibvirtAction));
  d.command('hyperv')
    .description('discover the VMs of a Hyper-V host through PowerShell (Get-VM, Get-VMHardDiskDrive, Get-VHD, Get-VMNetworkAdapter), or from the JSON the host script saved')
    .option('--host <host>', 'Hyper-V host reached over WinRM (Invoke-Command); this machine when absent')
    .option('--from-json <dir>', 'folder of JSON files saved on the host by assets/discovery/hyperv-inventory.ps1 (no PowerShell is run)')
    .option('--powershell <path>', 'PowerShell program (default powershell.exe on Windows, pwsh elsewhere)')
    .requiredOption('--project <file>', 'project file to update (created when missing); saved atomically')
    .option('--remove-gone', 'remove servers of this host that it no longer lists')
    .option('--json', 'print the same summary as mwb import --json')
    .action(lazyAction(() => import('./discover.command'), (m) => m.discoverHyperVAction));
  d.command('virtualbox')
    .description("discover this user's VirtualBox VMs (VBoxManage list vms and showvminfo, read-only)")
    .option('--vboxmanage <path>', 'VBoxManage program (default VBoxManage on PATH)')
    .requiredOption('--project <file>', 'project file to update (created when missing); saved atomically')
    .option('--remove-gone', 'remove VirtualBox servers of this machine that it no longer lists')
    .option('--json', 'print the same summary as mwb import --json')
    .action(lazyAction(() => import('./discover.command'), (m) => m.discoverVirtualBoxAction));
  d.command('vmware-workstation')
    .description('discover VMware Workstation/Fusion VMs from the .vmx files under a folder (disk sizes from their VMDKs)')
    .requiredOption('--folder <dir>', 'folder holding the VMs (searched recursively, at most 8 levels)')
    .requiredOption('--project <file>', 'project file to update (created when missing); saved atomically')
    .option('--remove-gone', 'remove servers of this folder that are no longer in it')
    .option('--json', 'print the same summary as mwb import --json')
    .action(lazyAction(() => import('./discover.command'), (m) => m.discoverVmwareWorkstationAction));
  d.command('azure')
    .description('discover the VMs of an Azure subscription (size, OS, disks, NICs and IPs, tags, power state) with the Azure SDK')
    .requiredOption('--subscription <id>', 'subscription id (a GUID)')
    .option('--resource-group <name>', 'only this resource group; repeatable (default: the whole subscription)', collect, [])
    .option('--tenant <id>', 'Microsoft Entra tenant of the credential')
    .option('--endpoint <url>', 'Resource Manager endpoint of another cloud or an Azure Stack Hub (default https://management.azure.com)')
    .option('--ca-file <pem>', "extra trusted CA certificates (PEM) for the endpoint, e.g. an Azure Stack Hub's private CA")
    .requiredOption('--project <file>', 'project file to update (created when missing); saved atomically')
    .option('--remove-gone', 'remove servers of this subscription that it no longer lists')
    .option('--json', 'print the same summary as mwb import --json')
    .addHelpText('after', '\nCredentials: DefaultAzureCredential (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, workload or managed identity, or `az login`). The Reader role is enough. Nothing secret is stored or printed.')
    .action(lazyAction(() => import('./discover.command'), (m) => m.discoverAzureAction));
};

const replicate: CommandModule = (program) => {
  program
    .command('replicate')
    .description("replicate a server's (or every server of an application's) disk images block by block to EBS snapshots (incremental after the first run; resumes an interrupted run)")
    .requiredOption('--project <file>', 'the project file (.mwb.json); the disk mapping and the last run are saved in it')
    .option('--server <name>', 'the server (name or id)')
    .option('--app <name>', "every server of this application (name or id), under the user's concurrency limits")
    .option('--disk-image <disk=path>', 'map a disk of the server (--server only) to an image file (raw, VMDK, VHD, VHDX, qcow2, OVA); repeatable; saved in the project', collect, [])
    .addOption(new Option('--transport <kind>', 'ebs: blocks to EBS snapshots (incremental); s3: the disk staged in an S3 bucket by multipart upload, then VM Import').choices(['ebs', 's3']).default('ebs'))
    .option('--bucket <name>', 'S3 bucket for --transport s3 (the staging object is deleted once the AMI is made; with --ami none it is the output, kept until the next run replaces it)')
    .option('--region <region>', "AWS Region (default: the project's setting, else the SDK's)")
    .option('--profile <name>', 'AWS profile of the shared config/credentials files (credentials come from the SDK default chain)')
    .option('--endpoint-url <url>', 'AWS endpoint for EBS direct, EC2 and S3 (tests, VPC endpoints; default: the Region\'s)')
    .addOption(new Option('--ami <mode>', 'after a completed run: import (VM Import from the snapshots), register (RegisterImage; the image already has ENA and NVMe drivers) or none (with --transport s3 the staged object is then the output)').choices(['import', 'register', 'none']).default('import'))
    .option('--ami-poll-seconds <n>', 'first wait between VM Import status checks (backs off to 60 s; default 5)', parsePositive('--ami-poll-seconds', 3600, false))
    .option('--encryption', 'encrypt snapshots and AMIs (the default; the application\'s KMS key, else the account\'s default EBS key)')
    .option('--no-encryption', 'do NOT encrypt snapshots and AMIs (saved for the server; the export and runbook say so)')
    .option('--no-verify', 'skip the integrity check after each snapshot (ListSnapshotBlocks against the manifest, sampled GetSnapshotBlock)')
    .option('--once', 'run once and exit (the only mode today)')
    .option('--json', 'print one JSON object per server (one line each): server, status, amiId, disks (snapshotId, blocksTotal, blocksSent, bytesSent, seconds)')
    .addHelpText('after', '\nExit status: 0 every disk replicated, 1 any run failed or inconsistent, 2 usage error, 130 interrupted (Ctrl-C; the next run resumes).')
    .action(lazyAction(() => import('./replicate.command'), (m) => m.replicateAction));
};

function parsePositive(flag: string, max: number, integer = true): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${flag} must be a ${integer ? 'whole ' : ''}number above 0 and at most ${max}, got ${v}`);
    return n;
  };
}

/** `mwb discover ssh`: creates the `discover` parent when no other discovery entry has. */
const discoverSsh: CommandModule = (program) => {
  const discover = program.commands.find((c) => c.name() === 'discover') ?? program.command('discover').description('discover servers live and merge them into a project');
  discover
    .command('ssh')
    .description('log in to Linux hosts over SSH, read their facts as files over SFTP (OS, CPU, memory, disks, file systems, IPs, ports, connections, services, utilization; one shell command where SFTP is refused) and merge them into a project')
    .requiredOption('--host <host>', 'host to discover (NAME or NAME=ADDRESS to dial ADDRESS under the name NAME); repeatable', collect, [])
    .option('--port <port>', 'SSH port (default 22)', parsePort)
    .requiredOption('--user <user>', 'login name')
    .option('--key <file>', 'private key file (OpenSSH or PEM)')
    .option('--password-stdin', 'read the password (or, with --key, the key passphrase) from stdin')
    .option('--agent', 'authenticate with the ssh-agent at SSH_AUTH_SOCK')
    .option('--known-hosts <file>', 'OpenSSH known_hosts file to check host keys against (default ~/.ssh/known_hosts)')
    .option('--accept-new', 'trust and record host keys never seen before (a changed key is always refused)')
    .option('--parallel <n>', 'hosts discovered at once (default 8)', parsePositive('--parallel', 256))
    .option('--sample <seconds>', 'sample utilization (CPU, memory, disk, network; average, p95, max) over this period', parsePositive('--sample', 86_400, false))
    .option('--sample-interval <seconds>', 'time between utilization samples (default 5, at most half the period)', parsePositive('--sample-interval', 3600, false))
    .option('--timeout <seconds>', 'connect and log-in timeout per host (default 10)', parsePositive('--timeout', 600, false))
    .requiredOption('--project <file>', 'project file to update (created when missing); saved atomically')
    .option('--json', 'print the same summary as `mwb import --json`, plus per-host results')
    .addHelpText('after', '\nSecrets come from stdin only and are never stored or logged. Exit status: 0 every host discovered, 1 any host failed, 2 usage error, 130 interrupted.')
    .action(lazyAction(() => import('./discover-ssh.command'), (m) => m.discoverSshAction));
};

const mgn: CommandModule = (program) => {
  const m = program.command('mgn').description("track servers AWS Application Migration Service (MGN) replicates, matched to the project's inventory");
  m.command('status')
    .description('MGN source servers and jobs (online, or from saved DescribeSourceServers / DescribeJobs / SMS GetReplicationJobs JSON) matched to inventory servers; read only')
    .requiredOption('--project <file>', 'the project file (.mwb.json); read only')
    .option('--from-json <file>', 'a saved response (aws mgn describe-source-servers / describe-jobs --output json, or SMS get-replication-jobs); repeatable', collect, [])
    .option('--region <region>', 'read MGN online in this AWS Region (credentials from the SDK default chain)')
    .option('--profile <name>', 'AWS profile of the shared config/credentials files')
    .option('--endpoint-url <url>', "MGN endpoint (default: the Region's)")
    .option('--json', 'print the status as JSON: source, servers (match, life cycle, replication state, bytes, last job), jobs')
    .addHelpText('after', '\nExit status: 0 read, 1 failed (unreadable file, MGN unreachable or refused), 2 usage error, 130 interrupted.')
    .action(lazyAction(() => import('./mgn.command'), (m) => m.mgnStatusAction));
};

/** Every `mwb` command, in the order `mwb --help` lists them. */
export const cliCommands: CommandModule[] = [serve, importCmd, verify, exportCmd, assess, disk, replicate, discover, discoverSsh, mgn];
