/**
 * A chart as a PNG for a status report: the recharts SVG drawn onto a canvas (at 2× for sharp text on paste), with
 * the chart's title above and its legend (HTML in recharts) below, on white.
 */
export async function chartPng(figure: HTMLElement, title: string, scale = 2): Promise<Blob> {
  const svg = figure.querySelector<SVGSVGElement>('svg.recharts-surface');
  if (!svg) throw new Error('This chart has nothing drawn yet.');
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  const legend = [...figure.querySelectorAll<HTMLElement>('.recharts-legend-item')].map((li) => ({
    text: li.textContent?.trim() ?? '',
    color: li.querySelector('path, rect')?.getAttribute('fill') ?? li.querySelector('path, rect')?.getAttribute('stroke') ?? '#667085',
  }));
  const font = getComputedStyle(figure).fontFamily || 'sans-serif';

  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('style', `font-family: ${font}; font-size: 12px`);
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
      img.src = url;
    });
    const pad = 16;
    const titleH = 28;
    const legendH = legend.length ? 24 : 0;
    const canvas = document.createElement('canvas');
    canvas.width = (width + pad * 2) * scale;
    canvas.height = (height + titleH + legendH + pad * 2) * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw on a canvas.');
    ctx.scale(scale, scale);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width + pad * 2, height + titleH + legendH + pad * 2);
    ctx.fillStyle = '#101828';
    ctx.font = `600 15px ${font}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(title, pad, pad + titleH / 2 - 4);
    ctx.drawImage(img, pad, pad + titleH, width, height);
    let x = pad;
    const y = pad + titleH + height + legendH / 2;
    ctx.font = `12px ${font}`;
    for (const item of legend) {
      ctx.fillStyle = item.color;
      ctx.fillRect(x, y - 5, 10, 10);
      ctx.fillStyle = '#344054';
      ctx.fillText(item.text, x + 14, y);
      x += 14 + ctx.measureText(item.text).width + 16;
    }
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The chart could not be encoded as PNG.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Offers the PNG as a download (the browser's, or Electron's Save dialog). */
export function downloadPng(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Puts the PNG on the clipboard, to paste into a report. */
export async function copyPng(blob: Blob): Promise<void> {
  if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) throw new Error('This browser cannot copy images: use Save as PNG.');
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
}
