import { z } from 'zod';
import { channel } from '../define';
import { MgnStatusSchema } from '../../model/mgn';

const path = z.string().min(1).max(4096);

/** The Dashboard's side of AWS: MGN (and SMS) tracking, matched to the open project's inventory. */
export const dashboardChannels = {
  /**
   * Reads saved responses (DescribeSourceServers, DescribeJobs, both under their operation names, or SMS
   * GetReplicationJobs), one file each, and matches them to the inventory. Nothing is written to the project.
   */
  'mgn.readFiles': channel(z.object({ paths: z.array(path).min(1).max(16) }).strict(), MgnStatusSchema),
  /** Reads MGN live in a Region (credentials from the AWS SDK default chain; none crosses IPC or is kept). */
  'mgn.readAws': channel(
    z
      .object({
        region: z.string().min(1).max(64),
        profile: z.string().min(1).max(128).optional(),
        endpointUrl: z.string().regex(/^https?:\/\/\S+$/, 'an http(s) URL').max(2048).optional(),
      })
      .strict(),
    MgnStatusSchema,
  ),
  /** The newest MGN status read in this session (null before the first). */
  'mgn.latest': channel(z.object({}).strict(), MgnStatusSchema.nullable()),
} as const;
