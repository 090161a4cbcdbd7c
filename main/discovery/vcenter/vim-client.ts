import { DiscoveryError, excerpt, malformed } from '../errors';
import { child, childrenNamed, parseXml, text, xmlEscape, xsiType, type XmlElement } from '../xml';
import { SoapTransport, type TransportOptions } from './transport';

export interface MoRef {
  type: string;
  value: string;
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  /** PerformanceManager and CustomFieldsManager: absent on some ESXi builds and users; nothing is read from them then. */
  perfManager?: MoRef;
  customFieldsManager?: MoRef;
  about: { name?: string; fullName?: string; version?: string; apiType?: string; instanceUuid?: string };
}

/** One object of a RetrievePropertiesEx answer: its MoRef and its properties by path (the `val` elements). */
export interface ObjectContent {
  obj: MoRef;
  props: Map<string, XmlElement>;
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="urn:vim25"><soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

export function moref(el: XmlElement | undefined, what: string): MoRef {
  const value = text(el);
  if (!el || !value) throw malformed(`${what} is missing`);
  return { type: el.attrs.type ?? '', value };
}

export const ref = (tag: string, m: MoRef) => `<${tag} type="${xmlEscape(m.type)}">${xmlEscape(m.value)}</${tag}>`;

/** The body element of a SOAP answer (`<XResponse>`), or a typed error for a fault. */
export function soapBody(xml: string, status: number, host: string): XmlElement {
  let env: XmlElement;
  try {
    env = parseXml(xml);
  } catch (e) {
    if (status !== 200) throw new DiscoveryError('discovery-failed', `${host} answered HTTP ${status}, not a SOAP answer. Is this the vCenter SDK address (https://HOST/sdk)?`, { status });
    throw e;
  }
  if (env.name !== 'Envelope' && status !== 200) throw new DiscoveryError('discovery-failed', `${host} answered HTTP ${status}, not a SOAP answer. Is this the vCenter SDK address (https://HOST/sdk)?`, { status });
  if (env.name !== 'Envelope') throw malformed(`expected a SOAP envelope, got <${env.name.slice(0, 40)}>`);
  const body = child(env, 'Body');
  const first = body?.children[0];
  if (!first) throw malformed('the SOAP body is empty');
  if (first.name === 'Fault') {
    const detail = child(first, 'detail')?.children[0];
    const faultType = (detail && (xsiType(detail) ?? detail.name.replace(/Fault$/, ''))) || 'unknown';
    const msg = excerpt(text(first, 'faultstring') ?? '', 160);
    if (faultType === 'InvalidLogin' || /InvalidLogin|incorrect user name or password|cannot complete login/i.test(msg)) {
      throw new DiscoveryError('discovery-auth-failed', `${host} refused the user name or password.`, { fault: 'InvalidLogin' });
    }
    if (faultType === 'NotAuthenticated' || faultType === 'NoPermission') {
      throw new DiscoveryError('discovery-auth-failed', `${host} refused the request: ${faultType === 'NoPermission' ? 'the user lacks the read permission' : 'the session is not logged in'} (${msg}).`, { fault: faultType });
    }
    throw new DiscoveryError('discovery-failed', `${host} answered with a ${faultType} fault: ${msg || 'no message'}.`, { fault: faultType });
  }
  if (status !== 200) throw new DiscoveryError('discovery-failed', `${host} answered HTTP ${status}.`, { status });
  return first;
}

/** Parses the `returnval` of RetrievePropertiesEx / ContinueRetrievePropertiesEx: objects and the paging token. */
export function parseRetrieveResult(returnval: XmlElement | undefined): { token?: string; objects: ObjectContent[] } {
  if (!returnval) return { objects: [] };
  const objects: ObjectContent[] = [];
  for (const o of childrenNamed(returnval, 'objects')) {
    const props = new Map<string, XmlElement>();
    for (const p of childrenNamed(o, 'propSet')) {
      const name = text(p, 'name');
      const val = child(p, 'val');
      if (name && val) props.set(name, val);
    }
    objects.push({ obj: moref(child(o, 'obj'), 'an object reference'), props });
  }
  const token = text(returnval, 'token');
  return { ...(token ? { token } : {}), objects };
}

/** The vim25 SOAP calls a discovery needs: service content, login, container view, paged property retrieval, logout. */
export class VimClient {
  private cookie = '';
  private readonly transport: SoapTransport;
  private readonly host: string;
  content: ServiceContent | null = null;

  constructor(private readonly opts: TransportOptions) {
    this.transport = new SoapTransport(opts);
    this.host = opts.url.host;
  }

  async call(body: string): Promise<XmlElement> {
    const headers: Record<string, string> = { SOAPAction: 'urn:vim25/6.5' };
    if (this.cookie) headers.Cookie = this.cookie;
    const res = await this.transport.post(ENVELOPE_OPEN + body + ENVELOPE_CLOSE, headers);
    const session = res.setCookie.map((c) => c.split(';')[0]!).find((c) => /^vmware_soap_session=/i.test(c));
    if (session) this.cookie = session;
    return soapBody(res.body, res.status, this.host);
  }

  async retrieveServiceContent(): Promise<ServiceContent> {
    const r = child(await this.call('<RetrieveServiceContent><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>'), 'returnval');
    const about = child(r, 'about');
    const optional = (name: string) => (text(child(r, name)) ? { [name]: moref(child(r, name), name) } : {});
    this.content = {
      ...optional('perfManager'),
      ...optional('customFieldsManager'),
      rootFolder: moref(child(r, 'rootFolder'), 'rootFolder'),
      propertyCollector: moref(child(r, 'propertyCollector'), 'propertyCollector'),
      viewManager: moref(child(r, 'viewManager'), 'viewManager'),
      sessionManager: moref(child(r, 'sessionManager'), 'sessionManager'),
      about: Object.fromEntries(['name', 'fullName', 'version', 'apiType', 'instanceUuid'].map((k) => [k, text(about, k)]).filter(([, v]) => v)) as ServiceContent['about'],
    };
    return this.content;
  }

  private sc(): ServiceContent {
    if (!this.content) throw new DiscoveryError('discovery-failed', 'RetrieveServiceContent must come first.');
    return this.content;
  }

  async login(user: string, password: string): Promise<void> {
    await this.call(`<Login>${ref('_this', this.sc().sessionManager)}<userName>${xmlEscape(user)}</userName><password>${xmlEscape(password)}</password></Login>`);
  }

  async logout(): Promise<void> {
    if (!this.content || !this.cookie) return;
    await this.call(`<Logout>${ref('_this', this.sc().sessionManager)}</Logout>`);
    this.cookie = '';
  }

  async createContainerView(types: string[], recursive = true): Promise<MoRef> {
    const r = await this.call(
      `<CreateContainerView>${ref('_this', this.sc().viewManager)}${ref('container', this.sc().rootFolder)}${types.map((t) => `<type>${xmlEscape(t)}</type>`).join('')}<recursive>${recursive}</recursive></CreateContainerView>`,
    );
    return moref(child(r, 'returnval'), 'the container view');
  }

  async destroyView(view: MoRef): Promise<void> {
    await this.call(`<DestroyView>${ref('_this', view)}</DestroyView>`);
  }

  /**
   * Every object of `view` with the given properties per type, page by page (RetrievePropertiesEx with maxObjects,
   * then ContinueRetrievePropertiesEx with the token until none is left). `onPage` sees each page as it arrives.
   */
  async retrieveAll(view: MoRef, propSets: { type: string; paths: string[] }[], opts: { maxObjects?: number; signal?: AbortSignal; onPage?: (objects: ObjectContent[]) => void } = {}): Promise<ObjectContent[]> {
    const pc = this.sc().propertyCollector;
    const spec =
      `<specSet>${propSets.map((p) => `<propSet><type>${xmlEscape(p.type)}</type>${p.paths.map((x) => `<pathSet>${xmlEscape(x)}</pathSet>`).join('')}</propSet>`).join('')}` +
      `<objectSet>${ref('obj', view)}<skip>true</skip><selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet>`;
    const all: ObjectContent[] = [];
    let page = parseRetrieveResult(child(await this.call(`<RetrievePropertiesEx>${ref('_this', pc)}${spec}<options>${opts.maxObjects ? `<maxObjects>${opts.maxObjects}</maxObjects>` : ''}</options></RetrievePropertiesEx>`), 'returnval'));
    for (let guard = 0; ; guard++) {
      all.push(...page.objects);
      opts.onPage?.(page.objects);
      if (!page.token) break;
      if (guard > 100_000) throw malformed('the paging token never ends');
      if (opts.signal?.aborted) break;
      page = parseRetrieveResult(child(await this.call(`<ContinueRetrievePropertiesEx>${ref('_this', pc)}<token>${xmlEscape(page.token)}</token></ContinueRetrievePropertiesEx>`), 'returnval'));
    }
    return all;
  }

  /** The given properties of one object (no traversal), or an empty map when the object has none of them. */
  async retrieveOne(obj: MoRef, paths: string[]): Promise<Map<string, XmlElement>> {
    const spec = `<specSet><propSet><type>${xmlEscape(obj.type)}</type>${paths.map((x) => `<pathSet>${xmlEscape(x)}</pathSet>`).join('')}</propSet><objectSet>${ref('obj', obj)}<skip>false</skip></objectSet></specSet>`;
    const page = parseRetrieveResult(child(await this.call(`<RetrievePropertiesEx>${ref('_this', this.sc().propertyCollector)}${spec}<options></options></RetrievePropertiesEx>`), 'returnval'));
    return page.objects[0]?.props ?? new Map();
  }

  /** The transport's other requests to the same host (the vAPI REST endpoints), through the same certificate check. */
  get http(): SoapTransport {
    return this.transport;
  }

  close(): void {
    this.transport.close();
  }
}
