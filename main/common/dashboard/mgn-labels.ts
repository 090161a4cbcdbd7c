import type { MgnMatch } from '../model/mgn';

/** How a tracked server was matched to the inventory, in words. */
export const MATCH_LABEL: Record<MgnMatch, string> = {
  'vmware-uuid': 'by VMware UUID',
  'vm-id': 'by VM id',
  hostname: 'by host name',
  ip: 'by IP address',
  ambiguous: 'several inventory servers fit',
  none: 'not in the inventory',
};

/** Words AWS spells differently from plain English (the rest is de-capitalised as it comes). */
const SPECIAL: Record<string, string> = {
  CUTOVER: 'Cut over',
  CUTTING_OVER: 'Cutting over',
  READY_FOR_CUTOVER: 'Ready for cutover',
  START_CUTOVER: 'Cutover',
  START_TEST: 'Test launch',
  INITIAL_SYNC: 'Initial sync',
  CONTINUOUS: 'Continuous (in sync)',
  PENDING_SNAPSHOT_SHIPPING: 'Snapshot shipping pending',
  SHIPPING_SNAPSHOT: 'Shipping snapshot',
  NOT_READY: 'Not ready',
  DIAGNOSTIC: 'Diagnostic launch',
  TERMINATE: 'Terminate',
};

/**
 * An MGN or SMS state (`READY_FOR_TEST`, `INITIAL_SYNC`, SMS's `Active`) in words: `Ready for test`. Unknown states,
 * from a newer API, are worded the same way rather than shown raw.
 */
export function awsStateLabel(state: string | null | undefined): string {
  if (!state) return 'Unknown';
  const up = state.toUpperCase().replace(/[\s-]+/g, '_');
  if (SPECIAL[up]) return SPECIAL[up];
  const words = up.toLowerCase().replace(/_/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Unknown';
}
