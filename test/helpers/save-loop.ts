// Child process for the crash test: opens a project and saves it over and over until it is killed. Save i sets
// the name to "version-a"/"version-b" (alternating) and the notes to "save i", and prints "saving i" before and
// "saved i" after, so the test knows the old (last saved) and the new (in flight) content at every kill.
// It builds the project store alone (not the whole service graph) so that each of the many children starts fast.
import path from 'node:path';
import { ProjectStore } from '../../main/services/project-store.service';
import { MemorySettingsStore } from '../../main/platform/settings';
import { silentLogger } from '../../main/platform/logger';

const [file, dataDir] = process.argv.slice(2) as [string, string];
const project = new ProjectStore({
  settings: new MemorySettingsStore(),
  events: { emit: () => undefined },
  logger: silentLogger,
  demoPath: file,
  recoveryDir: path.join(dataDir ?? path.dirname(file), 'appdata', 'recovery'),
});
await project.open(file);
process.stdout.write('ready\n');
for (let i = 1; ; i++) {
  project.edit({ type: 'project.setMeta', name: i % 2 ? 'version-b' : 'version-a', notes: `save ${i}` });
  process.stdout.write(`saving ${i}\n`);
  await project.save({ force: true });
  process.stdout.write(`saved ${i}\n`);
}
