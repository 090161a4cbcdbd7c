// Child process for the crash test: opens a project and saves it over and over until it is killed. Save i sets
// the name to "version-a"/"version-b" (alternating) and the notes to "save i", and prints "saving i" before and
// "saved i" after, so the test knows the old (last saved) and the new (in flight) content at every kill.
import path from 'node:path';
import { testServices } from './services';

const [file, dataDir] = process.argv.slice(2) as [string, string];
const services = testServices(dataDir ?? path.dirname(file));
await services.project.open(file);
process.stdout.write('ready\n');
for (let i = 1; ; i++) {
  services.project.edit({ type: 'project.setMeta', name: i % 2 ? 'version-b' : 'version-a', notes: `save ${i}` });
  process.stdout.write(`saving ${i}\n`);
  await services.project.save({ force: true });
  process.stdout.write(`saved ${i}\n`);
}
