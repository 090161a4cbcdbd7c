import type { ProjectDocument } from '../model/project';
import type { Server } from '../model/server';
import { totalProvisionedMiB } from '../model/server';
import type { Application, LaunchSettings } from '../model/planning';
import { latestReplicatedAmi } from '../model/replication';
import type { BuiltTemplate, CloudFormationOptions } from './cloudformation.builder';
import { fileSlug } from './cloudformation.builder';
import type { CfnValidationReport } from './validation-report';
import { formatDiagnostic } from './validation-report';
import { toCsv } from './csv';
import { mgnBootVolume, mgnPlatform, mgnServerAddress, mgnUserProvidedIds } from './aws-import-formats';
import { waveDates, waveOfApplication } from '../assess/waves';

export interface BundleInput {
  doc: ProjectDocument;
  app: Application;
  templates: readonly BuiltTemplate[];
  reports: readonly CfnValidationReport[];
  options: CloudFormationOptions;
  /** The assessment report files the bundle carries (written by the export service) and what was left out, and why. */
  report?: { files: readonly string[]; omitted: ReadonlyArray<{ path: string; reason: string }> };
}

/** A hand-off bundle: relative path → file text. Deterministic for the same input. */
export type BundleFiles = Record<string, string>;

interface Row {
  server: Server;
  settings: LaunchSettings;
  group: string;
  groupIndex: number;
}

function rowsOf(doc: ProjectDocument, app: Application): Row[] {
  const servers = new Map(doc.inventory.servers.map((s) => [s.id, s]));
  const rows: Row[] = [];
  app.groups.forEach((g, groupIndex) => {
    for (const id of g.serverIds) {
      const server = servers.get(id);
      if (server) rows.push({ server, settings: doc.planning.launchSettings[id] ?? { securityGroupIds: [], testSecurityGroupIds: [], tags: {} }, group: g.name, groupIndex });
    }
  });
  return rows;
}

function ipOf(s: Server): string {
  return s.nics.flatMap((n) => n.ipv4)[0] ?? '';
}

export function inventoryCsv(doc: ProjectDocument, app: Application): string {
  const rows = rowsOf(doc, app);
  return toCsv(
    ['launch_order', 'launch_group', 'server_name', 'server_id', 'fqdn', 'ip_address', 'os', 'os_family', 'vcpus', 'memory_gib', 'provisioned_gib', 'power', 'source', 'folder', 'instance_type', 'subnet_id', 'security_group_ids', 'test_subnet_id', 'test_security_group_ids'],
    rows.map((r) => [
      r.groupIndex + 1, r.group, r.server.name, r.server.id, r.server.identity.fqdn, ipOf(r.server), r.server.os.configured ?? r.server.os.reported, r.server.os.family,
      r.server.cpu.vcpus, +(r.server.memoryMiB / 1024).toFixed(2), +(totalProvisionedMiB(r.server) / 1024).toFixed(1), r.server.state.power, r.server.source.name, r.server.place.folder,
      r.settings.instanceType, r.settings.subnetId, r.settings.securityGroupIds.join(';'), r.settings.testSubnetId, r.settings.testSecurityGroupIds.join(';'),
    ]),
  );
}

/**
 * The AWS Application Migration Service (MGN) import file: one row per server, documented `mgn:` parameters only
 * (aws-import-formats.ts names the page). Servers are matched by `mgn:server:user-provided-id`.
 */
export function mgnImportCsv(doc: ProjectDocument, app: Application): string {
  const rows = rowsOf(doc, app);
  const wave = doc.planning.waves.find((w) => w.id === app.waveId)?.name ?? '';
  const maxSg = Math.max(1, ...rows.map((r) => r.settings.securityGroupIds.length));
  const tagKeys = [...new Set(rows.flatMap((r) => Object.keys({ ...app.tags, ...r.settings.tags })))].sort();
  const ids = mgnUserProvidedIds(rows.map((r) => r.server));
  // The volume name is part of the parameter (`mgn:launch:volume:/dev/sda:type`); one column per boot volume name used.
  const volumes = [...new Set(rows.filter((r) => r.settings.volumeType).map((r) => mgnBootVolume(r.server.os.family)).filter((v): v is string => !!v))].sort();
  // MGN takes LI (license included) or BYOL; 'Auto' leaves MGN's own default.
  const licensing = app.replication.licenseType === 'AWS' ? 'LI' : app.replication.licenseType === 'BYOL' ? 'BYOL' : undefined;
  const header = [
    'mgn:account-id', 'mgn:region', 'mgn:wave:name', 'mgn:app:name', 'mgn:app:description', 'mgn:server:user-provided-id', 'mgn:server:platform', 'mgn:server:fqdn-for-action-framework',
    'mgn:launch:instance-type', 'mgn:launch:nic:0:subnet-id', ...Array.from({ length: maxSg }, (_, i) => `mgn:launch:nic:0:security-group-id:${i}`),
    'mgn:launch:nic:0:private-ip:0', 'mgn:launch:placement:tenancy', 'mgn:launch:placement:operating-system-licensing', 'mgn:launch:iam-instance-profile:name',
    ...volumes.map((v) => `mgn:launch:volume:${v}:type`),
    ...tagKeys.map((k) => `mgn:launch:tag:instance:${k}`),
  ];
  return toCsv(
    header,
    rows.map((r, i) => {
      const tags = { ...app.tags, ...r.settings.tags };
      const boot = mgnBootVolume(r.server.os.family);
      return [
        app.awsAccountId, app.awsRegion, wave, app.name, app.description, ids[i], mgnPlatform(r.server.os.family), mgnServerAddress(r.server),
        r.settings.instanceType, r.settings.subnetId, ...Array.from({ length: maxSg }, (_, k) => r.settings.securityGroupIds[k]),
        r.settings.privateIpAddress, r.settings.tenancy, licensing, r.settings.iamInstanceProfile,
        ...volumes.map((v) => (v === boot ? r.settings.volumeType : undefined)),
        ...tagKeys.map((k) => tags[k]),
      ];
    }),
  );
}

/**
 * The Cloud Migration Factory intake form: one row per server; lists separated by semicolons. The wave's dates go in
 * `wave_start_time` and `wave_end_time`, date attributes of CMF's default wave schema
 * (aws-solutions/cloud-migration-factory-on-aws, lambda_defaultschema/default_schema.json).
 */
export function cmfIntakeCsv(doc: ProjectDocument, app: Application): string {
  const rows = rowsOf(doc, app);
  const w = doc.planning.waves.find((x) => x.id === app.waveId);
  const wave = w?.name ?? '';
  return toCsv(
    ['wave_name', 'wave_start_time', 'wave_end_time', 'app_name', 'aws_accountid', 'aws_region', 'server_name', 'server_os_family', 'server_os_version', 'server_fqdn', 'server_tier', 'server_environment', 'r_type', 'subnet_IDs', 'securitygroup_IDs', 'subnet_IDs_test', 'securitygroup_IDs_test', 'instanceType', 'tenancy', 'iamRole'],
    rows.map((r) => [
      wave, w?.startDate, w?.endDate, app.name, app.awsAccountId, app.awsRegion, r.server.name, r.server.os.family === 'windows' ? 'windows' : 'linux', r.server.os.configured ?? r.server.os.reported, r.server.identity.fqdn ?? r.server.name,
      r.group, r.server.tags.Environment ?? '', 'Rehost', r.settings.subnetId, r.settings.securityGroupIds.join(';'), r.settings.testSubnetId ?? r.settings.subnetId,
      (r.settings.testSecurityGroupIds.length ? r.settings.testSecurityGroupIds : r.settings.securityGroupIds).join(';'), r.settings.instanceType, r.settings.tenancy === 'dedicated' ? 'Dedicated instance' : r.settings.tenancy === 'host' ? 'Dedicated host' : 'Shared', r.settings.iamInstanceProfile,
    ]),
  );
}

export function verificationCsv(doc: ProjectDocument): string {
  return toCsv(
    ['file', 'kind', 'status', 'signer', 'sha256', 'verified_at', 'reasons'],
    doc.verification.records.map((r) => [r.file, r.kind, r.status, r.signer, r.sha256, r.verifiedAt, r.reasons.join('; ')]),
  );
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Where the application stands in the wave plan: every wave in order with its dates, this one marked. */
function waveSection(doc: ProjectDocument, app: Application): string[] {
  const place = waveOfApplication(doc, app);
  if (!place) return doc.planning.waves.length ? ['## Wave', '', `${app.name} is not in a wave yet: plan it on the Waves board before scheduling the cutover.`, ''] : [];
  const lines = ['## Wave', ''];
  lines.push(`${app.name} moves in wave ${place.number} of ${place.of}, **${mdEscape(place.wave.name)}**${waveDates(place.wave) ? `, ${waveDates(place.wave)}` : ', no dates set yet'}.`);
  if (place.wave.description) lines.push('', mdEscape(place.wave.description));
  lines.push('', place.others.length ? `Moving in the same wave: ${place.others.map(mdEscape).join(', ')}.` : 'No other application moves in this wave.', '');
  lines.push('| Wave | Name | Start | End | Applications |', '|---|---|---|---|---|');
  doc.planning.waves.forEach((w, i) => {
    const apps = doc.planning.applications.filter((a) => a.waveId === w.id).map((a) => mdEscape(a.name));
    const mark = w.id === place.wave.id ? '**' : '';
    lines.push(`| ${mark}${i + 1}${mark} | ${mark}${mdEscape(w.name)}${mark} | ${w.startDate ?? ''} | ${w.endDate ?? ''} | ${apps.join(', ')} |`);
  });
  lines.push('');
  return lines;
}

export function runbookMarkdown(input: BundleInput): string {
  const { doc, app, templates, reports, options } = input;
  const rows = rowsOf(doc, app);
  const place = waveOfApplication(doc, app);
  const wave = place ? `${place.number} of ${place.of}, ${place.wave.name}${waveDates(place.wave) ? ` (${waveDates(place.wave)})` : ''}` : undefined;
  const usesTest = rows.some((r) => r.settings.testSubnetId || r.settings.testSecurityGroupIds.length);
  const wait = options.waitStrategy === 'wait-condition';
  const stack = `${fileSlug(app.name)}-migration`;
  const region = app.awsRegion ?? '<region>';
  const lines: string[] = [];
  lines.push(`# Runbook: ${app.name}`, '');
  lines.push(`Project: ${doc.name}${doc.customer ? ` (${doc.customer})` : ''}. ${wave ? `Wave: ${wave}. ` : ''}${rows.length} server(s) in ${app.groups.length} launch group(s).`, '');
  if (app.description) lines.push(app.description, '');
  lines.push(...waveSection(doc, app));
  lines.push('## Contents', '', '| File | What it is |', '|---|---|');
  for (const t of templates) lines.push(`| templates/${t.fileName} | CloudFormation template${t.parts > 1 ? `, part ${t.part} of ${t.parts}` : ''} (${t.serverIds.length} servers) |`);
  lines.push('| inventory.csv | The application\'s servers with their source facts and planned launch settings |', '| mgn-import.csv | Import file for AWS Application Migration Service (Import and export → Import) |', '| cmf-intake.csv | Intake form for Cloud Migration Factory |', '| verification.csv | Verification results of setup files recorded in the project |', '| validation.txt | What AWS\'s CloudFormation validator said about each template |');
  for (const f of input.report?.files ?? []) lines.push(`| ${f} | ${f.endsWith('.pdf') ? 'The printable assessment report (readiness, sizing, costs, charts)' : 'The assessment workbook (servers, findings, sizing, costs)'} |`);
  for (const o of input.report?.omitted ?? []) lines.push(`| ${o.path} | Left out: ${mdEscape(o.reason)} |`);
  lines.push('| manifest.json | Every file with its size and SHA-256, and what was left out and why |', '');

  lines.push('## Prerequisites', '');
  lines.push(`- Access to AWS account ${app.awsAccountId ?? '<account>'} in ${region} with permission to create CloudFormation stacks and EC2 instances${app.cloudFormationRole ? `, or to pass the role ${app.cloudFormationRole}` : ''}.`);
  lines.push('- The replicated AMI of every server (one `…Ami` parameter per server; defaults are filled where the AMI is known).');
  lines.push(`- The VPC${app.vpcId ? ` ${app.vpcId}` : ''}, its subnets and security groups exist (the template checks that every subnet is in the chosen VPC).`);
  if (rows.some((r) => r.settings.keyName)) lines.push('- The EC2 key pairs named in the parameters exist in the region.');
  if (rows.some((r) => r.settings.volumeKmsKeyId)) lines.push('- The KMS key(s) for volume encryption allow the account (and the CloudFormation role) to use them.');
  if (wait) lines.push('- Each image runs user data at first boot (cloud-init on Linux, EC2Launch on Windows) and can reach the CloudFormation endpoint over HTTPS, so that each server can signal its launch group.');
  lines.push('- Replication is current: the last sync finished after the application was quiesced (for cutover).');
  const unencrypted = rows.filter((r) => {
    const rep = doc.replication?.servers.find((x) => x.serverId === r.server.id);
    const ami = latestReplicatedAmi(doc.replication, r.server.id);
    return rep?.encrypted === false || (ami && !ami.encrypted && (!r.settings.amiId || r.settings.amiId === ami.amiId));
  });
  if (unencrypted.length) lines.push(`- **Not encrypted**: replication encryption was turned off for ${unencrypted.map((r) => r.server.name).join(', ')}; their snapshots and AMIs are unencrypted. Confirm this was agreed, or replicate again with encryption on.`);
  lines.push('');

  lines.push('## Parameters', '', '| Template | Parameter | Type | Default |', '|---|---|---|---|');
  for (const t of templates) {
    const params = (t.template.Parameters ?? {}) as Record<string, { Type: string; Default?: string }>;
    for (const [name, p] of Object.entries(params)) lines.push(`| ${t.fileName} | ${name} | ${p.Type} | ${p.Default ? mdEscape(String(p.Default)) : '(required)'} |`);
  }
  lines.push('');

  lines.push('## Launch order', '');
  lines.push(wait ? 'Each launch group waits until every server of the previous group has run its configuration script and signalled its WaitCondition (`LaunchGroupNReady`); a failed script stops the stack.' : 'Each launch group starts when every instance of the previous group has been created (`DependsOn`); it does not wait for the operating system or services.', '');
  app.groups.forEach((g, i) => {
    const names = rows.filter((r) => r.groupIndex === i).map((r) => `${r.server.name} (${r.settings.instanceType ?? '?'})`);
    lines.push(`${i + 1}. **${g.name}**: ${names.join(', ') || '(empty)'}`);
  });
  if (templates.length > 1) lines.push('', `The application is larger than one template allows (${templates.length} parts). Create the stacks one after the other in part order, each after the previous one reached CREATE_COMPLETE.`);
  lines.push('');

  const createCmd = (mode: 'test' | 'cutover') =>
    templates.map((t) => `aws cloudformation create-stack --region ${region} --stack-name ${stack}${mode === 'test' ? '-test' : ''}${t.parts > 1 ? `-part${t.part}` : ''} --template-body file://templates/${t.fileName}${usesTest ? ` --parameters ParameterKey=LaunchMode,ParameterValue=${mode}` : ''}${app.cloudFormationRole ? ` --role-arn ${app.cloudFormationRole}` : ''}\naws cloudformation wait stack-create-complete --region ${region} --stack-name ${stack}${mode === 'test' ? '-test' : ''}${t.parts > 1 ? `-part${t.part}` : ''}`).join('\n');

  lines.push('## Test launch', '');
  lines.push(usesTest ? 'Launch into the test network (the template\'s `LaunchMode=test` picks the test subnets and security groups):' : 'No test network is planned: the test launch uses the cutover subnets and security groups. Isolate it (for example with restrictive security groups) before starting it.');
  lines.push('', '```sh', createCmd('test'), '```', '');
  lines.push('Then, per server: log in, check services, application health checks and logs; record results. Delete the test stack when done:', '', '```sh', `aws cloudformation delete-stack --region ${region} --stack-name ${stack}-test`, '```', '');

  lines.push('## Cutover', '');
  lines.push('1. Announce the change window; freeze changes on the source servers.');
  lines.push('2. Stop the application on the source servers (in reverse launch order) and let the final replication finish; note the AMI of each server and update its `…Ami` parameter.');
  lines.push('3. Create the stack(s):', '', '```sh', createCmd('cutover'), '```', '');
  lines.push('4. Check the stack outputs (instance IDs and private IPs) and the application\'s health checks.');
  lines.push('5. **DNS change**: lower the TTL of the application\'s records a day before; at cutover point each record at the new private IP (or Elastic IP / load balancer), for example:', '');
  lines.push('| Record | Old address | New address |', '|---|---|---|');
  for (const r of rows) lines.push(`| ${r.server.identity.fqdn ?? r.server.name} | ${ipOf(r.server) || '?'} | output \`${'…'}PrivateIp\` of ${r.server.name}${r.settings.elasticIp ? ' (Elastic IP)' : ''} |`);
  lines.push('', '6. Verify name resolution from clients, run the acceptance tests, then hand over to operations.', '');

  lines.push('## Rollback', '');
  lines.push('Until the source servers are decommissioned, rollback is quick:', '');
  lines.push('1. Point the DNS records back at the old addresses (table above).');
  lines.push('2. Start the application on the source servers in launch order.');
  lines.push(`3. Delete the stack(s): \`aws cloudformation delete-stack --region ${region} --stack-name ${stack}\` (instances are terminated; their volumes are deleted with them).`);
  lines.push('4. Record why, fix the plan in Migration Workbench, export again.', '');

  lines.push('## Validation', '');
  for (const r of reports) lines.push(`- ${r.fileName}: ${r.ok ? 'passed' : 'FAILED'} ${r.validator} (${r.diagnostics.length} finding(s))`);
  lines.push('');
  return lines.join('\n');
}

export function validationText(reports: readonly CfnValidationReport[]): string {
  return reports
    .map((r) => [`${r.fileName}: ${r.ok ? 'passed' : 'failed'} (${r.validator})`, ...r.diagnostics.map((d) => `  ${formatDiagnostic(r.fileName, d)}`)].join('\n'))
    .join('\n') + '\n';
}

/** Every file of the hand-off bundle for one application. */
export function buildBundleFiles(input: BundleInput): BundleFiles {
  const { doc, app, templates, reports } = input;
  const files: BundleFiles = { 'RUNBOOK.md': runbookMarkdown(input) };
  for (const t of templates) files[`templates/${t.fileName}`] = t.body;
  files['inventory.csv'] = inventoryCsv(doc, app);
  files['mgn-import.csv'] = mgnImportCsv(doc, app);
  files['cmf-intake.csv'] = cmfIntakeCsv(doc, app);
  files['verification.csv'] = verificationCsv(doc);
  files['validation.txt'] = validationText(reports);
  return files;
}

