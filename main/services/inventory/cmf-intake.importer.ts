import { blankServer, osFamily, splitList, type Importer } from './importer';
import { headerScore, readRows } from './csv-importer.kit';

/** Cloud Migration Factory intake form columns (server, app and wave attributes). */
const CMF_COLUMNS = {
  name: ['server_name'],
  osFamily: ['server_os_family'],
  osVersion: ['server_os_version'],
  fqdn: ['server_fqdn'],
  tier: ['server_tier'],
  environment: ['server_environment'],
  rType: ['r_type'],
  wave: ['wave_name'],
  app: ['app_name'],
  region: ['aws_region'],
  account: ['aws_accountid'],
  subnets: ['subnet_IDs'],
  sgs: ['securitygroup_IDs'],
  subnetsTest: ['subnet_IDs_test'],
  sgsTest: ['securitygroup_IDs_test'],
  instanceType: ['instanceType'],
  tenancy: ['tenancy'],
  tags: ['tags'],
} as const;

/** Intake columns that are launch or planning facts, kept as tags for the planning screen. */
const AS_TAGS: [keyof typeof CMF_COLUMNS, string][] = [
  ['wave', 'wave'],
  ['app', 'application'],
  ['tier', 'tier'],
  ['environment', 'environment'],
  ['rType', 'migration strategy'],
  ['region', 'aws region'],
  ['account', 'aws account'],
  ['subnets', 'subnet'],
  ['sgs', 'security groups'],
  ['subnetsTest', 'test subnet'],
  ['sgsTest', 'test security groups'],
  ['instanceType', 'instance type'],
  ['tenancy', 'tenancy'],
];

export const cmfIntakeImporter: Importer = {
  kind: 'cmf-intake-csv',
  label: 'Cloud Migration Factory intake CSV',
  detect: (f) => headerScore(f, ['server_name'], ['server_os_family', 'server_fqdn', 'wave_name', 'app_name', 'r_type', 'aws_region']),
  async read([file], ctx) {
    const fqdns = new Map<string, string>();
    const dupFqdn: string[] = [];
    const out = await readRows(file!, CMF_COLUMNS, ['name'], ['name'], ctx, (r) => {
      const name = r.text('name');
      if (!name) {
        r.skip('name', 'server_name is empty; row skipped');
        return null;
      }
      const s = blankServer(name, { kind: 'cmf-intake-csv', name: file!.name });
      const p = s.provenance;
      p.name = r.prov('name');
      const fam = (r.text('osFamily') ?? '').toLowerCase();
      const ver = r.text('osVersion');
      if (ver) { s.os.configured = ver; p['os.configured'] = r.prov('osVersion'); }
      s.os.family = fam === 'windows' ? 'windows' : fam === 'linux' ? 'linux' : osFamily(ver);
      if (fam) p['os.family'] = r.prov('osFamily');
      const fqdn = r.text('fqdn');
      if (fqdn) {
        s.identity.fqdn = fqdn;
        s.identity.hostName = fqdn.split('.')[0];
        p['identity.fqdn'] = r.prov('fqdn');
        const prev = fqdns.get(fqdn.toLowerCase());
        if (prev && prev !== name) dupFqdn.push(`${name} and ${prev} share the FQDN ${fqdn}`);
        else fqdns.set(fqdn.toLowerCase(), name);
      }
      for (const [f, tag] of AS_TAGS) {
        const v = r.text(f);
        if (v) {
          s.tags[tag] = splitList(v, /;/).join(', ');
          p[`tags.${tag}`] = r.prov(f);
        }
      }
      for (const t of splitList(r.text('tags'), /;/)) {
        const [k, ...v] = t.split('=');
        if (k?.trim()) {
          s.tags[k.trim()] = v.join('=').trim();
          p[`tags.${k.trim()}`] = r.prov('tags');
        }
      }
      return s;
    });
    if (dupFqdn.length) out.warnings.push(`Duplicate FQDNs (check the intake form): ${dupFqdn.join('; ')}.`);
    out.warnings.push('Waves, applications and launch fields (subnets, security groups, instance type) are kept as server tags for planning.');
    return { kind: 'cmf-intake-csv', files: [file!.path], ...out };
  },
};
