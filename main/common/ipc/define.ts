import type { z } from 'zod';

/** One invoke channel: zod schema of its arguments and (documentation-only) of its result. */
export interface ChannelDef<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly args: A;
  readonly result: R;
}

export function channel<A extends z.ZodType, R extends z.ZodType>(args: A, result: R): ChannelDef<A, R> {
  return { args, result };
}
