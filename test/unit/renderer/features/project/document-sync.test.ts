// The renderer's copy of the project against main's real services (ProjectStore, handlers, zod dispatch),
// joined by an in-process transport that JSON-copies every call and event like the real ones do. The
// transport can hold events back (they then arrive after the call's answer) or lose one, as a dropped
// event stream would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import fc from 'fast-check';
import { testServices } from '../../../../helpers/services';
import { tempDir } from '../../../../helpers/temp-dir';
import { docWithServers } from '../../../../helpers/plan-fixtures';
import { applyEdit, type ProjectEdit } from '../../../../../main/common/model/edits';
import { createHandlers } from '../../../../../main/ipc/handlers';
import { dispatch } from '../../../../../main/ipc/dispatch';
import type { Services } from '../../../../../main/services/container';
import type { ProjectDocument } from '../../../../../main/common/model/project';
import { events } from '../../../../../main/common/ipc/events';

const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

let dir: string;
let services: Services;
const listeners = new Map<string, Set<(payload: unknown) => void>>();
/** `lost`: an event was dropped and no later change event has been delivered since. */
/** `swapNextEdits`: the next two edit calls reach main in the opposite order (two requests racing). */
const transport = { dropNext: false, delayEvents: false, lost: false, swapNextEdits: false, documentLoads: 0, inflight: 0 };
let heldEdit: (() => void) | null = null;
const queued: Array<() => void> = [];

const bridge = {
  shell: 'browser' as const,
  async invoke(channel: string, args: unknown) {
    if (channel === 'project.document') transport.documentLoads++;
    transport.inflight++;
    try {
      if (channel === 'project.edit' && transport.swapNextEdits) {
        if (!heldEdit) {
          // Waits for the second edit (or goes alone when the second never reaches main).
          await new Promise<void>((r) => {
            heldEdit = r;
            setTimeout(() => {
              if (heldEdit === r) {
                heldEdit = null;
                transport.swapNextEdits = false;
                r();
              }
            }, 5);
          });
        } else {
          const release = heldEdit;
          heldEdit = null;
          transport.swapNextEdits = false;
          const answer = copy(await dispatch(createHandlers(services), channel, copy(args)));
          release();
          return answer;
        }
      }
      return copy(await dispatch(createHandlers(services), channel, copy(args)));
    } finally {
      transport.inflight--;
    }
  },
  on(event: string, fn: (payload: unknown) => void) {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event)!.add(fn);
    return () => listeners.get(event)!.delete(fn);
  },
  pathForFile: async () => '',
};
(globalThis as unknown as { window: unknown }).window = { workbench: bridge };
const { useWorkbench } = await import('../../../../../renderer/store');

/** Lets every queued event and the reloads they start run to the end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    while (queued.length) queued.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    if (!queued.length && transport.inflight === 0) return;
  }
}

function expectInStep(): void {
  const state = useWorkbench.getState();
  expect(state.meta!.revision).toBe(services.project.meta().revision);
  expect(state.document).toEqual(copy(services.project.document));
}

beforeAll(async () => {
  dir = await tempDir();
  services = testServices(dir);
  services.events.subscribe((event, payload) => {
    if (event === 'project.changed') {
      // What main announces matches the contract (strict: a stray field would fail here).
      events['project.changed'].strict().parse(payload);
      if (transport.dropNext) {
        transport.dropNext = false;
        transport.lost = true;
        return;
      }
      transport.lost = false;
    }
    const deliver = () => listeners.get(event)?.forEach((l) => l(copy(payload)));
    if (transport.delayEvents) queued.push(deliver);
    else deliver();
  });
  await useWorkbench.getState().appStarted();
});
afterAll(async () => {
  services.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

async function startWith(doc: ProjectDocument): Promise<void> {
  transport.dropNext = false;
  transport.delayEvents = false;
  transport.lost = false;
  services.project.newProject();
  services.project.commit(doc);
  await settle();
  expectInStep();
}

function baseDoc(): ProjectDocument {
  let doc = docWithServers(40);
  doc = applyEdit(doc, { type: 'application.create', applicationId: 'a1', name: 'Shop', groups: [{ id: 'g1', name: 'DB', serverIds: ['s1', 's2'] }, { id: 'g2', name: 'Web', serverIds: [] }] });
  doc = applyEdit(doc, { type: 'application.create', applicationId: 'a2', name: 'Farm', groups: [{ id: 'g3', name: 'SQL', serverIds: ['s3'] }] });
  return doc;
}

/** An edit built from the renderer's current document; `pick` drives every choice, some edits are invalid on purpose. */
function buildEdit(doc: ProjectDocument, kind: number, pick: number[]): ProjectEdit {
  const at = <T>(xs: readonly T[], i: number): T | undefined => xs[(pick[i] ?? 0) % Math.max(1, xs.length)];
  const servers = doc.inventory.servers.map((s) => s.id);
  const apps = doc.planning.applications;
  const app = at(apps, 0);
  const group = app ? at(app.groups, 1) : undefined;
  const some = pick.slice(2).map((p) => servers[p % servers.length]!);
  const ids = some.length ? some : ['s1'];
  const uid = `x${pick.join('-')}-${doc.planning.applications.length}-${doc.planning.waves.length}`;
  switch (kind % 12) {
    case 0:
      return { type: 'servers.move', serverIds: ids, target: app && group ? { applicationId: app.id, groupId: group.id, ...(pick[2] !== undefined && pick[2] % 2 ? { index: pick[2] % 4 } : {}) } : null };
    case 1:
      return { type: 'servers.move', serverIds: ids, target: null };
    case 2:
      return { type: 'launchSettings.set', serverIds: ids, patch: { instanceType: `m5.${['large', 'xlarge', '2xlarge'][(pick[0] ?? 0) % 3]}`, subnetId: pick[1] ? 'subnet-1' : null, tags: { k: String(pick[0]) } } };
    case 3:
      return { type: 'group.create', applicationId: app?.id ?? 'a1', groupId: uid, name: `  Tier ${pick[0]} `, index: pick[1] ?? 0 };
    case 4:
      return { type: 'group.move', applicationId: app?.id ?? 'a1', groupId: group?.id ?? 'g1', toIndex: pick[2] ?? 0 };
    case 5:
      return { type: 'group.rename', applicationId: app?.id ?? 'a1', groupId: group?.id ?? 'nope', name: `Renamed ${pick[0]}` };
    case 6:
      return { type: 'application.create', applicationId: uid, name: `App ${pick[0]}`, groups: [{ id: `${uid}-g`, name: 'G', serverIds: ids }] };
    case 7:
      return { type: 'server.setTags', serverId: ids[0]!, tags: { owner: `team-${pick[0]}` } };
    case 8:
      return { type: 'project.setMeta', name: `Project ${pick[0]}`, notes: `n${pick[1]}` };
    case 9:
      return { type: 'servers.move', serverIds: ['ghost-server'], target: null }; // refused by both sides
    case 10:
      return { type: 'wave.create', waveId: uid, name: `Wave ${pick[0]}` };
    default:
      return { type: 'launchSettings.setEach', entries: ids.map((serverId, i) => ({ serverId, patch: { volumeSizeGiB: 10 + i } })) };
  }
}

type Step =
  | { op: 'edit'; kind: number; pick: number[]; optimistic: boolean }
  | { op: 'two-at-once'; kinds: [number, number]; pick: number[]; swapped: boolean }
  | { op: 'drop-next-event' }
  | { op: 'delay-events'; on: boolean }
  | { op: 'undo' }
  | { op: 'redo' }
  | { op: 'service-commit' };

const pickArb = fc.array(fc.nat(60), { minLength: 2, maxLength: 8 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('edit' as const), kind: fc.nat(11), pick: pickArb, optimistic: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('two-at-once' as const), kinds: fc.tuple(fc.nat(11), fc.nat(11)), pick: pickArb, swapped: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'drop-next-event' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delay-events' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'undo' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'redo' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'service-commit' as const }) },
);

describe('renderer document in step with main', () => {
  it('stays deep-equal to main over random edits, concurrent optimistic edits, undo/redo and lost events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 25 }), async (steps) => {
        await startWith(baseDoc());
        for (const step of steps) {
          const s = useWorkbench.getState();
          const loadsBefore = transport.documentLoads;
          const eventsComplete = !transport.lost && !transport.dropNext;
          let accepted: boolean[] = [];
          if (step.op === 'edit') {
            const edit = buildEdit(s.document!, step.kind, step.pick);
            accepted = [await s.editRequested(edit, { optimistic: step.optimistic })];
          } else if (step.op === 'two-at-once') {
            // The second edit is sent while the first is still unconfirmed; main may even get it first.
            transport.swapNextEdits = step.swapped;
            const first = s.planEdited(buildEdit(s.document!, step.kinds[0], step.pick));
            const second = s.planEdited(buildEdit(useWorkbench.getState().document!, step.kinds[1], [...step.pick].reverse()));
            accepted = await Promise.all([first, second]);
          } else if (step.op === 'drop-next-event') {
            transport.dropNext = true;
          } else if (step.op === 'delay-events') {
            transport.delayEvents = step.on;
          } else if (step.op === 'undo') {
            await s.undoRequested();
          } else if (step.op === 'redo') {
            await s.redoRequested();
          } else {
            const doc = services.project.document;
            services.project.commit({ ...doc, inventory: { ...doc.inventory, servers: doc.inventory.servers.map((x, i) => (i === 0 ? { ...x, annotation: `import ${Date.now()}` } : x)) } });
          }
          await settle();
          // A lost event leaves the renderer behind until the next change event tells it so.
          if (!transport.lost) expectInStep();
          // Edits main accepted, undo, redo and service results are replayed or patched in, never answered by
          // a reload (unless an event is lost).
          const changedOnly = step.op === 'undo' || step.op === 'redo' || step.op === 'service-commit' || (accepted.length > 0 && accepted.every(Boolean));
          if (changedOnly && eventsComplete) expect(transport.documentLoads).toBe(loadsBefore);
        }
        // Any later change brings a renderer that missed an event back in step (by reloading).
        transport.dropNext = false;
        await useWorkbench.getState().editRequested({ type: 'project.setMeta', notes: 'final' });
        await settle();
        expectInStep();
      }),
      { numRuns: 60 },
    );
  });

  it('replays plain edits without reloading the document, and reloads after a lost event', async () => {
    await startWith(baseDoc());
    const loads = transport.documentLoads;
    const s = useWorkbench.getState();
    await s.planEdited({ type: 'servers.move', serverIds: ['s5', 's6', 's7'], target: { applicationId: 'a1', groupId: 'g2' } });
    await s.editRequested({ type: 'launchSettings.set', serverIds: ['s5'], patch: { instanceType: 'm5.large' } });
    transport.delayEvents = true; // events arrive after the answers
    await s.planEdited({ type: 'group.rename', applicationId: 'a1', groupId: 'g2', name: 'Front end' });
    await settle();
    expectInStep();
    expect(transport.documentLoads).toBe(loads);
    expect(useWorkbench.getState().document!.planning.applications[0]!.groups[1]!.name).toBe('Front end');

    transport.dropNext = true;
    await s.planEdited({ type: 'group.rename', applicationId: 'a1', groupId: 'g2', name: 'Web tier' });
    await settle();
    // The optimistic copy shows the rename although its event was lost...
    expect(useWorkbench.getState().document!.planning.applications[0]!.groups[1]!.name).toBe('Web tier');
    await s.planEdited({ type: 'group.rename', applicationId: 'a1', groupId: 'g1', name: 'Database' });
    await settle();
    // ...and the next event, which does not start from the renderer's revision, makes it reload.
    expect(transport.documentLoads).toBe(loads + 1);
    expectInStep();
    transport.delayEvents = false;

    // The event stream reconnects after missing a change: its hello (main's current meta) makes the page reload.
    transport.dropNext = true;
    await s.editRequested({ type: 'project.setMeta', name: 'While away' });
    await settle();
    expect(useWorkbench.getState().meta!.name).not.toBe('While away');
    listeners.get('project.changed')!.forEach((l) => l(copy(services.project.meta())));
    await settle();
    expectInStep();
    expect(transport.documentLoads).toBe(loads + 2);
    // A hello that finds the page in step changes nothing.
    listeners.get('project.changed')!.forEach((l) => l(copy(services.project.meta())));
    await settle();
    expect(transport.documentLoads).toBe(loads + 2);
  });

  it('patches undo, redo and service commits in without reloading; opening a project reloads', async () => {
    await startWith(baseDoc());
    const s = useWorkbench.getState();
    await s.planEdited({ type: 'servers.move', serverIds: ['s9'], target: { applicationId: 'a2', groupId: 'g3' } });
    await s.planEdited({ type: 'launchSettings.set', serverIds: ['s9', 's10'], patch: { instanceType: 'm5.large', tags: { a: 'b' } } });
    const loads = transport.documentLoads;
    const untouched = useWorkbench.getState().document!.inventory.servers;
    await s.undoRequested();
    await settle();
    expectInStep();
    await s.undoRequested();
    await settle();
    expectInStep();
    expect(useWorkbench.getState().document!.planning.applications[1]!.groups[0]!.serverIds).toEqual(['s3']);
    await s.redoRequested();
    await settle();
    expectInStep();
    const doc = services.project.document;
    services.project.commit({ ...doc, inventory: { ...doc.inventory, servers: doc.inventory.servers.map((x, i) => (i === 3 ? { ...x, tags: { ...x.tags, ['__proto__']: 'odd' } } : x)) } });
    await settle();
    expectInStep();
    expect(transport.documentLoads).toBe(loads);
    // Only what changed is new: the 40 servers keep their identity (so rows need not re-render).
    expect(useWorkbench.getState().document!.inventory.servers.filter((x, i) => x === untouched[i])).toHaveLength(39);

    // Saving changes the revision, not the document: nothing to reload.
    const kept = useWorkbench.getState().document;
    expect(await s.saveAsRequested(`${dir}/synced.mwb.json`)).toBe(true);
    await settle();
    expectInStep();
    expect(useWorkbench.getState().meta!.dirty).toBe(false);
    expect(useWorkbench.getState().document).toBe(kept);
    expect(transport.documentLoads).toBe(loads);

    services.project.newProject();
    await settle();
    expectInStep();
    expect(transport.documentLoads).toBe(loads + 1);
  });
});
