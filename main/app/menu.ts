import { Menu, type MenuItemConstructorOptions } from 'electron';

/** Menu commands are forwarded to the renderer, which runs the same actions as its toolbar. */
export type MenuCommand = 'new' | 'open' | 'open-demo' | 'save' | 'save-as' | 'import' | 'discover' | 'undo' | 'redo';

export function buildMenu(send: (command: MenuCommand) => void): Menu {
  const item = (label: string, accelerator: string, command: MenuCommand): MenuItemConstructorOptions => ({ label, accelerator, click: () => send(command) });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        item('New Project', 'CmdOrCtrl+N', 'new'),
        item('Open…', 'CmdOrCtrl+O', 'open'),
        item('Open Demo Estate', 'CmdOrCtrl+Shift+D', 'open-demo'),
        { type: 'separator' },
        item('Import Inventory…', 'CmdOrCtrl+I', 'import'),
        item('Discover Servers…', 'CmdOrCtrl+Alt+D', 'discover'),
        { type: 'separator' },
        item('Save', 'CmdOrCtrl+S', 'save'),
        item('Save As…', 'CmdOrCtrl+Shift+S', 'save-as'),
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { label: '&Edit', submenu: [item('Undo', 'CmdOrCtrl+Z', 'undo'), item('Redo', 'CmdOrCtrl+Shift+Z', 'redo'), { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: '&View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
  ];
  return Menu.buildFromTemplate(template);
}
