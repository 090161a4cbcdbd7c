import { strToU8, strFromU8, unzipSync } from 'fflate';
import { zipFast } from './zip-writer';

export const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const DOC_REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Puts every unprefixed element of `xml` under `prefix`, and binds the prefix where the default namespace `uri` was declared. */
export function prefixElements(xml: string, prefix: string, uri: string): string {
  return xml
    .replace(/<(\/?)([A-Za-z_][\w.-]*)(?=[\s/>])/g, `<$1${prefix}:$2`)
    .replace(`xmlns="${uri}"`, `xmlns:${prefix}="${uri}"`);
}

export type PackageStyle =
  /** What .NET's System.IO.Packaging writes (RVTools itself): `x:` on every SpreadsheetML element, absolute targets, generated ids, core properties under package/services/metadata. */
  | 'dotnet'
  /** Other prefixes everywhere (`ss:`, `pr:` on relationships, `rel:` for r:id) and the workbook at a non-standard part name. */
  | 'other-prefixes'
  /** Namespaces declared below the root (a prefix bound inside sheetData) plus foreign elements named like cells. */
  | 'nested-declarations'
  /** The SpreadsheetML elements under a namespace that is not SpreadsheetML. */
  | 'wrong-namespace';

/** Rewrites a workbook written by `writeXlsx` in the style a given writer uses; the data stays the same. */
export function restyleWorkbook(bytes: Uint8Array, style: PackageStyle): Uint8Array {
  const files = unzipSync(bytes);
  const text = (n: string) => strFromU8(files[n]!);
  const out: Record<string, Uint8Array> = {};
  const sheetParts = Object.keys(files).filter((n) => /^xl\/worksheets\/.*\.xml$/.test(n));
  if (style === 'dotnet') {
    for (const n of Object.keys(files)) out[n] = files[n]!;
    for (const n of ['xl/workbook.xml', 'xl/sharedStrings.xml', ...sheetParts]) if (files[n]) out[n] = strToU8(prefixElements(text(n), 'x', MAIN_NS));
    out['_rels/.rels'] = strToU8(
      `<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Type="${DOC_REL_NS}/officeDocument" Target="/xl/workbook.xml" Id="R4b1c9e2f0a3d4e5f" /><Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/package/services/metadata/core-properties/1f2e3d4c5b6a.psmdcp" Id="R7a8b9c0d1e2f3a4b" /></Relationships>`,
    );
    out['package/services/metadata/core-properties/1f2e3d4c5b6a.psmdcp'] = strToU8(
      '<?xml version="1.0" encoding="utf-8"?><coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"><dc:creator>RVTools</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2026-11-20T10:00:00Z</dcterms:created></coreProperties>',
    );
    const rels = text('xl/_rels/workbook.xml.rels').replace(/Target="(?!\/)([^"]+)"/g, 'Target="/xl/$1"');
    out['xl/_rels/workbook.xml.rels'] = strToU8(rels);
  } else if (style === 'other-prefixes') {
    // Workbook moved to book/main.xml; sheets and shared strings stay under xl/ (reached with ../).
    for (const n of Object.keys(files)) if (!n.startsWith('xl/workbook') && !n.startsWith('xl/_rels') && n !== '_rels/.rels') out[n] = files[n]!;
    for (const n of ['xl/sharedStrings.xml', ...sheetParts]) if (files[n]) out[n] = strToU8(prefixElements(text(n), 'ss', MAIN_NS));
    out['book/main.xml'] = strToU8(prefixElements(text('xl/workbook.xml'), 'ss', MAIN_NS).replace(`xmlns:r="${DOC_REL_NS}"`, `xmlns:rel="${DOC_REL_NS}"`).replace(/ r:id=/g, ' rel:id='));
    out['book/_rels/main.xml.rels'] = strToU8(prefixElements(text('xl/_rels/workbook.xml.rels').replace(/Target="/g, 'Target="../xl/'), 'pr', PKG_REL_NS));
    out['_rels/.rels'] = strToU8(prefixElements(text('_rels/.rels').replace('Target="xl/workbook.xml"', 'Target="book/main.xml"'), 'pr', PKG_REL_NS));
  } else if (style === 'nested-declarations') {
    for (const n of Object.keys(files)) out[n] = files[n]!;
    for (const n of sheetParts) {
      let odd = false;
      const xml = text(n)
        .replace('<sheetData>', `<sheetData xmlns:y="${MAIN_NS}" xmlns:o="urn:example:not-spreadsheetml">`)
        // Every other row under the inner prefix; a foreign row named like a SpreadsheetML one before each.
        .replace(/<row ([^>]*)>([\s\S]*?)<\/row>/g, (_m, attrs: string, cells: string) => {
          odd = !odd;
          const foreign = '<o:row r="1"><o:c r="A1" t="inlineStr"><o:is><o:t>not a cell</o:t></o:is></o:c></o:row>';
          return odd ? `${foreign}<y:row ${attrs}>${cells.replace(/<(\/?)(c|v|is|t)\b/g, '<$1y:$2')}</y:row>` : `${foreign}<row ${attrs}>${cells}</row>`;
        });
      out[n] = strToU8(xml);
    }
  } else {
    for (const n of Object.keys(files)) out[n] = files[n]!;
    for (const n of ['xl/workbook.xml', 'xl/sharedStrings.xml', ...sheetParts]) if (files[n]) out[n] = strToU8(text(n).replace(MAIN_NS, 'urn:example:spreadsheet'));
  }
  return zipFast(out);
}
