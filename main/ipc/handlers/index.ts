import type { Services } from '../../services/container';
import { appHandlers } from './app.handlers';
import { projectHandlers } from './project.handlers';
import { inventoryHandlers } from './inventory.handlers';
import { verifyHandlers } from './verify.handlers';
import { planningHandlers } from './planning.handlers';
import { assessHandlers } from './assess.handlers';
import { discoveryHandlers } from './discovery.handlers';
import { replicationHandlers } from './replication.handlers';
import { dashboardHandlers } from './dashboard.handlers';
import type { Handlers, ShellCapabilities } from './types';

/** One handler per contract channel; a missing one does not compile. */
export function createHandlers(services: Services, shell: ShellCapabilities = {}): Handlers {
  return {
    ...appHandlers(services, shell),
    ...projectHandlers(services),
    ...inventoryHandlers(services),
    ...verifyHandlers(services),
    ...planningHandlers(services),
    ...assessHandlers(services),
    ...discoveryHandlers(services),
    ...replicationHandlers(services),
    ...dashboardHandlers(services),
  } satisfies Handlers;
}

export type { Handlers, ShellCapabilities } from './types';
