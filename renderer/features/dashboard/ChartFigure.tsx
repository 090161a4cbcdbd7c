import { useRef, useState, type ReactElement } from 'react';
import { ResponsiveContainer } from 'recharts';
import { chartPng, copyPng, downloadPng } from './chart-png';

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';

/**
 * A dashboard chart: a `<figure>` named by its caption, a `role="img"` body whose label reads the data out, and
 * Copy / Save as PNG for a status report.
 */
export function ChartFigure({ id, title, summary, children, empty, height = 220 }: { id: string; title: string; summary: string; children: ReactElement; empty?: string | null | undefined; height?: number }) {
  const ref = useRef<HTMLElement>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (how: 'copy' | 'save') => {
    setMsg(null);
    try {
      const blob = await chartPng(ref.current!, title);
      if (how === 'copy') {
        await copyPng(blob);
        setMsg({ ok: true, text: 'Copied' });
      } else {
        downloadPng(blob, `${slug(title)}.png`);
        setMsg({ ok: true, text: 'Saved' });
      }
    } catch (err) {
      setMsg({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <figure className="chart dash-chart" aria-labelledby={`${id}-title`} ref={ref} data-testid={id}>
      <div className="dash-chart-head">
        <figcaption id={`${id}-title`}>{title}</figcaption>
        {empty ? null : (
          <div className="dash-chart-actions">
            <button type="button" className="small-button" onClick={() => void run('copy')}>Copy as PNG<span className="sr-only">: {title}</span></button>
            <button type="button" className="small-button" onClick={() => void run('save')}>Save as PNG<span className="sr-only">: {title}</span></button>
          </div>
        )}
      </div>
      {empty ? (
        <p className="muted dash-chart-empty" style={{ height }}>{empty}</p>
      ) : (
        <div role="img" aria-label={`${title}: ${summary}`} className="chart-body">
          <ResponsiveContainer width="100%" height={height}>{children}</ResponsiveContainer>
        </div>
      )}
      {msg ? <p className={msg.ok ? 'small muted' : 'small inline-error'} role={msg.ok ? 'status' : 'alert'}>{msg.text}</p> : null}
    </figure>
  );
}
