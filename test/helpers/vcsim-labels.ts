// Puts labels on vcsim VMs as a vCenter administrator would: vSphere tags through the vAPI REST endpoints
// (/rest/com/vmware/cis/tagging/...) and custom attributes through CustomFieldsManager (AddCustomFieldDef, SetField).
import { VimClient } from '../../main/discovery/vcenter/vim-client';
import { child, text } from '../../main/discovery/xml';

export interface VcsimLabels {
  /** VM MoRef → [category, tag] pairs to attach. */
  tags?: Record<string, [string, string][]>;
  /** VM MoRef → custom attribute name → value. */
  attributes?: Record<string, Record<string, string>>;
}

export async function labelVcsim(url: string, thumbprint: string | undefined, labels: VcsimLabels, user = 'user', password = 'pass'): Promise<void> {
  const c = new VimClient({ url: new URL(url), ...(thumbprint ? { thumbprint } : {}) });
  try {
    const sc = await c.retrieveServiceContent();
    await c.login(user, password);
    const fieldKeys = new Map<string, string>();
    for (const [moref, attrs] of Object.entries(labels.attributes ?? {})) {
      for (const [name, value] of Object.entries(attrs)) {
        let key = fieldKeys.get(name);
        if (!key) {
          const def = await c.call(`<AddCustomFieldDef><_this type="CustomFieldsManager">${sc.customFieldsManager!.value}</_this><name>${name}</name><moType>VirtualMachine</moType></AddCustomFieldDef>`);
          key = text(child(def, 'returnval'), 'key')!;
          fieldKeys.set(name, key);
        }
        await c.call(`<SetField><_this type="CustomFieldsManager">${sc.customFieldsManager!.value}</_this><entity type="VirtualMachine">${moref}</entity><key>${key}</key><value>${value}</value></SetField>`);
      }
    }
    await c.logout();
    if (!labels.tags) return;
    const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const session = JSON.parse((await c.http.request('POST', '/rest/com/vmware/cis/session', { Authorization: auth })).body).value as string;
    const h = { 'vmware-api-session-id': session, 'Content-Type': 'application/json' };
    const post = async (path: string, body: unknown) => {
      const a = await c.http.request('POST', path, h, JSON.stringify(body));
      if (a.status !== 200) throw new Error(`${path}: HTTP ${a.status} ${a.body.slice(0, 200)}`);
      return a.body ? (JSON.parse(a.body) as { value?: string }).value : undefined;
    };
    const categories = new Map<string, string>();
    const tags = new Map<string, string>();
    for (const [moref, pairs] of Object.entries(labels.tags)) {
      for (const [category, tag] of pairs) {
        let cat = categories.get(category);
        if (!cat) {
          cat = (await post('/rest/com/vmware/cis/tagging/category', { create_spec: { name: category, description: '', cardinality: 'MULTIPLE', associable_types: [] } }))!;
          categories.set(category, cat);
        }
        let id = tags.get(`${category}/${tag}`);
        if (!id) {
          id = (await post('/rest/com/vmware/cis/tagging/tag', { create_spec: { name: tag, description: '', category_id: cat } }))!;
          tags.set(`${category}/${tag}`, id);
        }
        await post(`/rest/com/vmware/cis/tagging/tag-association/id:${id}?~action=attach`, { object_id: { type: 'VirtualMachine', id: moref } });
      }
    }
    await c.http.request('DELETE', '/rest/com/vmware/cis/session', h);
  } finally {
    c.close();
  }
}
