/** Inventory import, catalog and export channels (issue: inventory). */
export const inventoryChannels = {} as const;
