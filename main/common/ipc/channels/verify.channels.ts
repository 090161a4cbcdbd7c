/** Hash, Authenticode and appliance verification channels (issue: verify). */
export const verifyChannels = {} as const;
