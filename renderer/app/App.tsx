import { useEffect } from 'react';
import { useWorkbench, useWorkbenchShallow } from '../store';
import { onEvent } from '../ipc/client';
import { TopBar } from './TopBar';
import { Sidebar, AREA_LABELS } from './Sidebar';
import { StatusBar } from './StatusBar';
import { Notices } from './Notices';
import { ProjectDialogs } from '../features/project/ProjectDialogs';
import { AREAS, type Area } from './ui.slice';
import { InventoryScreen } from '../features/inventory/InventoryScreen';
import { AssessmentScreen } from '../features/assessment/AssessmentScreen';
import { ApplicationsScreen } from '../features/applications/ApplicationsScreen';
import { VerifyScreen } from '../features/verify/VerifyScreen';
import { ReplicationScreen } from '../features/replication/ReplicationScreen';
import { DashboardScreen } from '../features/dashboard/DashboardScreen';
import { ExportScreen } from '../features/export/ExportScreen';
import { DependenciesScreen } from '../features/dependencies/DependenciesScreen';
import { WavesScreen } from '../features/waves/WavesScreen';

const SCREENS: Record<Area, () => React.JSX.Element> = {
  inventory: InventoryScreen,
  assessment: AssessmentScreen,
  applications: ApplicationsScreen,
  waves: WavesScreen,
  verify: VerifyScreen,
  replication: ReplicationScreen,
  dashboard: DashboardScreen,
  export: ExportScreen,
  dependencies: DependenciesScreen,
};

/** Global shortcuts; the Electron menu sends the same commands as `app.menu` events. */
function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = useWorkbench.getState();
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || s.dialog) return;
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      const key = e.key.toLowerCase();
      if (key === 's') {
        e.preventDefault();
        void (e.shiftKey ? s.saveAsDialogRequested() : s.saveRequested());
      } else if (key === 'o') {
        e.preventDefault();
        void s.openDialogRequested();
      } else if (key === 'n' && e.altKey) {
        e.preventDefault();
        void s.newProjectRequested();
      } else if (key === 'z' && !typing) {
        e.preventDefault();
        void (e.shiftKey ? s.redoRequested() : s.undoRequested());
      } else if (key === 'y' && !typing) {
        e.preventDefault();
        void s.redoRequested();
      } else if (/^[1-9]$/.test(key)) {
        e.preventDefault();
        s.areaSelected(AREAS[Number(key) - 1]!);
      }
    };
    window.addEventListener('keydown', onKey);
    // The browser shell cannot show a Save/Don't Save dialog on close; the browser's own prompt stands in.
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (useWorkbench.getState().meta?.dirty && useWorkbench.getState().appInfo?.shell === 'browser') e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    const off = onEvent('app.menu', ({ command }) => {
      const s = useWorkbench.getState();
      const actions: Record<typeof command, () => unknown> = {
        new: s.newProjectRequested,
        open: s.openDialogRequested,
        'open-demo': s.demoRequested,
        save: () => s.saveRequested(),
        'save-as': s.saveAsDialogRequested,
        import: () => {
          s.areaSelected('inventory');
          s.importDialogToggled(true);
        },
        discover: () => {
          s.areaSelected('inventory');
          s.discoverDialogToggled(true);
        },
        undo: s.undoRequested,
        redo: s.redoRequested,
      };
      void actions[command]();
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', onBeforeUnload);
      off();
    };
  }, []);
}

export function App() {
  const { area, connection, connectionError, meta } = useWorkbenchShallow((s) => ({ area: s.area, connection: s.connection, connectionError: s.connectionError, meta: s.meta }));
  useShortcuts();
  useEffect(() => {
    if (meta) document.title = `${meta.dirty ? '● ' : ''}${meta.fileName} — Migration Workbench`;
  }, [meta]);
  if (connection === 'failed') {
    return (
      <div className="fatal" role="alert">
        <h1>Cannot reach the workbench service</h1>
        <p>{connectionError}</p>
        <p className="muted">Start it with <code>npm start</code> or <code>mwb serve</code> and open the URL it prints (it carries the session token).</p>
      </div>
    );
  }
  const Screen = SCREENS[area];
  return (
    <div className="app">
      <TopBar />
      <Notices />
      <div className="app-body">
        <Sidebar />
        <main className="content" aria-label={AREA_LABELS[area]}>
          {connection === 'ready' ? <Screen /> : <div className="loading">Loading project…</div>}
        </main>
      </div>
      <StatusBar />
      <ProjectDialogs />
    </div>
  );
}
