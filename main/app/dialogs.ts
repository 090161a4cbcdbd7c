import { dialog, type BrowserWindow } from 'electron';
import type { ChannelParsedArgs } from '../common/ipc/contract';

/** Native open/save dialogs for the `files.pick` channel. */
export async function pickFiles(win: BrowserWindow, o: ChannelParsedArgs<'files.pick'>): Promise<string[]> {
  const filters = o.suffixes?.length ? [{ name: 'Supported files', extensions: o.suffixes.map((s) => s.replace(/^\*?\./, '')) }] : [];
  if (o.mode === 'save') {
    const r = await dialog.showSaveDialog(win, { title: o.title ?? 'Save', ...(o.defaultPath ? { defaultPath: o.defaultPath } : {}), filters });
    return r.canceled || !r.filePath ? [] : [r.filePath];
  }
  const properties: Array<'openFile' | 'openDirectory' | 'multiSelections'> =
    o.mode === 'folder' ? ['openDirectory'] : o.mode === 'open-multi' ? ['openFile', 'multiSelections'] : ['openFile'];
  const r = await dialog.showOpenDialog(win, { title: o.title ?? 'Open', properties, filters, ...(o.defaultPath ? { defaultPath: o.defaultPath } : {}) });
  return r.canceled ? [] : r.filePaths;
}
