import type { projectChannels } from '../../common/ipc/channels/project.channels';
import type { Services } from '../../services/container';
import type { HandlersFor } from './types';

export function projectHandlers({ project }: Services): HandlersFor<typeof projectChannels> {
  return {
    'project.meta': () => project.meta(),
    'project.document': () => ({ meta: project.meta(), document: project.document }),
    'project.new': ({ name }) => project.newProject(name),
    'project.openDemo': () => project.openDemo(),
    'project.open': ({ path }) => project.open(path),
    'project.save': ({ force }) => project.save(force ? { force } : {}),
    'project.saveAs': ({ path, force }) => project.saveAs(path, force ? { force } : {}),
    'project.edit': ({ edit, editId }) => project.edit(edit, editId),
    'project.undo': () => project.undo(),
    'project.redo': () => project.redo(),
    'project.recent': () => project.recent(),
    'project.recoveries': () => project.recoveries(),
    'project.openRecovery': ({ id }) => project.openRecovery(id),
  };
}
