// Export + validation of a 1,000-server application (target ≤ 1 s), with same-run references:
// AWS's validator alone on the same templates, and JSON.stringify of the plan.
// Run: npm run bench cfn-export
import { performance } from 'node:perf_hooks';
import { applyEdit } from '../../main/common/model/edits';
import { buildCloudFormation } from '../../main/common/export/cloudformation.builder';
import { validateApplication } from '../../main/common/assess/plan-validation';
import { CfnValidatorService, type CfnEngineKind } from '../../main/services/cfn-validator.service';
import { docWithServers } from '../helpers/plan-fixtures';

const SERVERS = 1000;
const TYPES = ['m6i.large', 'm6i.xlarge', 'r6i.2xlarge', 't3.large', 'c6i.xlarge'];

function bigProject() {
  let doc = docWithServers(SERVERS, 'srv');
  const ids = doc.inventory.servers.map((s) => s.id);
  const tiers = [ids.slice(0, 100), ids.slice(100, 600), ids.slice(600)];
  doc = applyEdit(doc, { type: 'application.create', applicationId: 'big', name: 'Big Estate', groups: tiers.map((serverIds, i) => ({ id: `g${i}`, name: ['Database', 'Application', 'Web'][i]!, serverIds })) });
  ids.forEach((id, i) => {
    doc = applyEdit(doc, {
      type: 'launchSettings.set',
      serverIds: [id],
      patch: {
        instanceType: TYPES[i % TYPES.length]!,
        amiId: `ami-${(i + 1).toString(16).padStart(17, '0')}`,
        subnetId: `subnet-0a1b2c3d4e5f6000${i % 4}`,
        securityGroupIds: ['sg-0123456789abcdef0'],
        testSubnetId: 'subnet-0a1b2c3d4e5f60009',
        volumeType: 'gp3',
        ...(i % 10 === 0 ? { privateIpAddress: `10.1.${Math.floor(i / 250)}.${(i % 250) + 4}` } : {}),
        ...(i % 50 === 0 ? { elasticIp: true } : {}),
        ...(i % 3 === 0 ? { configScript: { kind: 'shell' as const, content: 'yum -y update\nsystemctl restart app' } } : {}),
      },
    });
  });
  return doc;
}

function ms(n: number): string {
  return `${n.toFixed(0)} ms`;
}

const doc = bigProject();
const app = doc.planning.applications[0]!;
const findings: Record<string, string> = {};

for (const engine of ['rego', 'cel'] as CfnEngineKind[]) {
  const validator = new CfnValidatorService({ engine });
  let t = performance.now();
  await validator.warmUp();
  const init = performance.now() - t;
  console.log(`engine ${engine}: ${validator.version}; engine start-up (once per process, in its worker) ${ms(init)}`);

  for (const format of ['yaml', 'json'] as const) {
    // One untimed round so the measurements below run warm.
    for (const tpl of buildCloudFormation(doc, app.id, { format, waitStrategy: 'wait-condition' })) await validator.validate(tpl.body, tpl.fileName);

    t = performance.now();
    const issues = validateApplication(doc, app);
    const built = buildCloudFormation(doc, app.id, { format, waitStrategy: 'wait-condition' });
    const buildMs = performance.now() - t;
    const reports = [];
    for (const b of built) reports.push(await validator.validate(b.body, b.fileName));
    const total = performance.now() - t;

    t = performance.now();
    for (const b of built) await validator.validate(b.body, b.fileName);
    const validatorAlone = performance.now() - t;

    t = performance.now();
    const json = JSON.stringify(doc.planning);
    const stringify = performance.now() - t;

    const ok = reports.every((r) => r.ok) && issues.every((i) => i.severity !== 'error');
    findings[`${engine}/${format}`] = JSON.stringify(reports.map((r) => r.diagnostics));
    console.log(`  ${format.toUpperCase()}: ${SERVERS} servers -> ${built.length} template part(s), ${(built.reduce((n, b) => n + b.body.length, 0) / 1024).toFixed(0)} KiB; all valid: ${ok}`);
    console.log(`    plan validation + build: ${ms(buildMs)}`);
    console.log(`    export + validation:     ${ms(total)}  (target <= 1000 ms: ${total <= 1000 ? 'met' : 'NOT met'})`);
    console.log(`    validator alone, same templates: ${ms(validatorAlone)}  -> ratio export+validation / validator alone = ${(total / validatorAlone).toFixed(2)}`);
    console.log(`    JSON.stringify of the plan (${(json.length / 1024).toFixed(0)} KiB): ${stringify.toFixed(1)} ms -> ratio = ${(total / stringify).toFixed(0)}x`);
  }
  validator.dispose();
}
console.log(`rego and cel findings identical on these templates: ${findings['rego/yaml'] === findings['cel/yaml'] && findings['rego/json'] === findings['cel/json']}`);
