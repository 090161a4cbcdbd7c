import type { ChannelName, InvokeResponse, WorkbenchApi } from '../../main/common/ipc/contract';
import type { EventName } from '../../main/common/ipc/events';
import { createFrameSplitter, frameData } from './sse-frames';

type Listener = (payload: unknown) => void;

/**
 * `window.workbench` for the browser shell: invoke = POST /api/invoke/<channel> with the session
 * token; events = one streamed GET /api/events (fetch, so the token stays in a header, not a URL).
 */
export function createHttpApi(token: string, origin: string = window.location.origin): WorkbenchApi {
  const listeners = new Map<EventName, Set<Listener>>();
  const headers = { Authorization: `Bearer ${token}` };

  async function stream(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${origin}/api/events`, { headers });
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        attempt = 0;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        const push = createFrameSplitter((frame) => {
          const data = frameData(frame);
          if (!data) return;
          const msg = JSON.parse(data) as { event: EventName; payload: unknown };
          listeners.get(msg.event)?.forEach((l) => l(msg.payload));
        });
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          push(value);
        }
      } catch {
        /* the shell restarted or the connection dropped: retry with backoff */
      }
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  }
  void stream();

  return {
    shell: 'browser',
    async invoke(channel: ChannelName, args: unknown) {
      let res: Response;
      try {
        res = await fetch(`${origin}/api/invoke/${channel}`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify(args ?? {}),
        });
      } catch {
        return { ok: false, error: { code: 'file-io', message: 'The workbench service is not reachable. Is `mwb serve` still running?' } } as InvokeResponse<never>;
      }
      return (await res.json()) as InvokeResponse<never>;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    pathForFile(file, onProgress) {
      const blob = file as unknown as File;
      return new Promise<string>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${origin}/api/upload?name=${encodeURIComponent(blob.name)}`);
        xhr.setRequestHeader('Authorization', headers.Authorization);
        xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.total);
        xhr.onload = () => {
          try {
            const body = JSON.parse(xhr.responseText) as InvokeResponse<{ path: string }>;
            if (body.ok) resolve(body.value.path);
            else reject(new Error(body.error.message));
          } catch {
            reject(new Error(`Upload failed (HTTP ${xhr.status}).`));
          }
        };
        xhr.onerror = () => reject(new Error('Upload failed: the workbench service is not reachable.'));
        xhr.send(blob);
      });
    },
  } as WorkbenchApi;
}

/** Reads the token from the URL fragment once, keeps it for this tab only, and cleans the address bar. */
export function takeShellToken(): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m?.[1]) {
    sessionStorage.setItem('mwb.token', m[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return m[1];
  }
  return sessionStorage.getItem('mwb.token');
}
