// AWS's naming rules for general purpose buckets, as the S3 transport's bucket field and the contract apply them.
import { describe, expect, it } from 'vitest';
import { s3BucketNameProblem } from '../../../../../main/common/model/s3-bucket';

describe('s3BucketNameProblem', () => {
  it('accepts names that follow the rules', () => {
    for (const name of ['abc', 'my-migration-staging', 'mwb.staging.eu-west-1', '1bucket2', 'a'.repeat(63)]) expect(s3BucketNameProblem(name), name).toBeNull();
  });

  it('says which rule a name breaks', () => {
    expect(s3BucketNameProblem('')).toMatch(/Give the S3 bucket/);
    expect(s3BucketNameProblem('ab')).toMatch(/3 to 63 characters/);
    expect(s3BucketNameProblem('a'.repeat(64))).toMatch(/3 to 63 characters/);
    expect(s3BucketNameProblem('My-Bucket')).toMatch(/no capital letters/);
    expect(s3BucketNameProblem('my_bucket')).toMatch(/only lowercase letters, digits, dots/);
    expect(s3BucketNameProblem('my bucket')).toMatch(/only lowercase letters, digits, dots/);
    expect(s3BucketNameProblem('-bucket')).toMatch(/begins and ends with a letter or a digit/);
    expect(s3BucketNameProblem('bucket.')).toMatch(/begins and ends with a letter or a digit/);
    expect(s3BucketNameProblem('my..bucket')).toMatch(/no two dots in a row/);
    expect(s3BucketNameProblem('192.168.5.4')).toMatch(/not an IP address/);
    expect(s3BucketNameProblem('xn--bucket')).toMatch(/beginning with "xn--" are reserved/);
    expect(s3BucketNameProblem('sthree-bucket')).toMatch(/beginning with "sthree-" are reserved/);
    expect(s3BucketNameProblem('amzn-s3-demo-bucket')).toMatch(/beginning with "amzn-s3-demo-" are reserved/);
    expect(s3BucketNameProblem('bucket-s3alias')).toMatch(/ending with "-s3alias" are reserved/);
    expect(s3BucketNameProblem('bucket--ol-s3')).toMatch(/ending with "--ol-s3" are reserved/);
    expect(s3BucketNameProblem('bucket.mrap')).toMatch(/ending with ".mrap" are reserved/);
    expect(s3BucketNameProblem('bucket--x-s3')).toMatch(/ending with "--x-s3" are reserved/);
    expect(s3BucketNameProblem('bucket--table-s3')).toMatch(/ending with "--table-s3" are reserved/);
  });
});
