/** Applications, launch settings and CloudFormation export channels (issue: plan and hand off). */
export const planningChannels = {} as const;
