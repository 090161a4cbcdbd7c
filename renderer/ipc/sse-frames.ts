/**
 * Splits a server-sent event stream into frames (separated by a blank line) in linear time: a change event
 * can carry megabytes (a patch with thousands of servers), which arrives in many chunks, so the text is
 * never concatenated and rescanned per chunk.
 */
export function createFrameSplitter(onFrame: (frame: string) => void): (chunk: string) => void {
  const parts: string[] = [];
  let endsWithNewline = false;
  const flush = (last: string) => {
    parts.push(last);
    const frame = parts.join('');
    parts.length = 0;
    onFrame(frame);
  };
  return (chunk) => {
    let start = 0;
    if (endsWithNewline && chunk.startsWith('\n')) {
      // The blank line straddles two chunks: the frame is what came before, minus its final newline.
      const before = parts.join('');
      parts.length = 0;
      onFrame(before.slice(0, -1));
      start = 1;
    }
    let idx;
    while ((idx = chunk.indexOf('\n\n', start)) >= 0) {
      flush(chunk.slice(start, idx));
      start = idx + 2;
    }
    const rest = chunk.slice(start);
    if (rest) parts.push(rest);
    endsWithNewline = rest.endsWith('\n');
  };
}

/** The data of one frame (its `data:` lines joined), or null for comments and pings. */
export function frameData(frame: string): string | null {
  const data = frame
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6))
    .join('\n');
  return data || null;
}
