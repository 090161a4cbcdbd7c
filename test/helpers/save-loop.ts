// Child process for the crash test: opens a project and saves it over and over, alternating its
// name between "version-a" and "version-b", until it is killed.
import path from 'node:path';
import { testServices } from './services';

const [file, dataDir] = process.argv.slice(2) as [string, string];
const services = testServices(dataDir ?? path.dirname(file));
await services.project.open(file);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  services.project.edit({ type: 'project.setMeta', name: i % 2 ? 'version-b' : 'version-a', notes: 'x'.repeat(i % 7) });
  await services.project.save({ force: true });
}
