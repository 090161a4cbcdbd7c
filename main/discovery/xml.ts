import { SaxesParser } from 'saxes';
import { malformed } from './errors';

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** A parsed element: namespace-resolved local name, attributes keyed `{uri}local` (or `local` without a namespace). */
export interface XmlElement {
  name: string;
  uri: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxBytes: 256 * 1024 * 1024, maxDepth: 64 };

/**
 * Parses an XML document with saxes (namespace-aware) into a small element tree. Any well-formedness
 * error, a document too large or too deep, or no root element is a typed `discovery-malformed-response`.
 */
export function parseXml(xml: string, limits: Partial<XmlLimits> = {}): XmlElement {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  if (xml.length > lim.maxBytes) throw malformed(`the document is larger than ${lim.maxBytes} characters`);
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let failure: Error | null = null;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= lim.maxDepth) {
      failure ??= new Error(`elements nested deeper than ${lim.maxDepth}`);
      return;
    }
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === 'http://www.w3.org/2000/xmlns/') continue;
      attrs[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
    }
    const el: XmlElement = { name: tag.local ?? tag.name, uri: tag.uri ?? '', attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!root) root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    failure ??= e as Error;
  }
  if (failure) throw malformed(`not well-formed XML (${(failure as Error).message.split('\n')[0]})`);
  if (!root) throw malformed('no XML element');
  return root;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The trimmed text of a child element (or of `el` itself without a name). */
export function text(el: XmlElement | undefined, name?: string): string | undefined {
  const e = name === undefined ? el : child(el, name);
  const t = e?.text.trim();
  return t === undefined || t === '' ? undefined : t;
}

export function num(el: XmlElement | undefined, name: string): number | undefined {
  const t = text(el, name);
  if (t === undefined) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function bool(el: XmlElement | undefined, name: string): boolean | undefined {
  const t = text(el, name);
  return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : undefined;
}

/** The xsi:type of an element without its prefix (`vim25:VirtualDisk` → `VirtualDisk`). */
export function xsiType(el: XmlElement | undefined): string | undefined {
  const t = el?.attrs[`{${XSI}}type`];
  return t ? t.replace(/^.*:/, '') : undefined;
}

/** Escapes text for an XML element or attribute value. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
