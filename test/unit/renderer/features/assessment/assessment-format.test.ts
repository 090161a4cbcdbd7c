import { describe, expect, it } from 'vitest';
import { formatHourlyUsd, formatUsd } from '../../../../../renderer/features/assessment/assessment.format';

describe('money on the assessment screens', () => {
  it('shows cents on every amount, small or large, so neighbouring figures read alike', () => {
    expect(formatUsd(389.444)).toBe('$389.44');
    expect(formatUsd(1229.5)).toBe('$1,229.50');
    expect(formatUsd(1234567.891)).toBe('$1,234,567.89');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(Number.NaN)).toBe('—');
  });

  it('keeps an hourly price to AWS’s four decimals instead of rounding it to cents', () => {
    expect(formatHourlyUsd(0.0416)).toBe('$0.0416/h');
    expect(formatHourlyUsd(0.096)).toBe('$0.096/h');
    expect(formatHourlyUsd(1.5)).toBe('$1.50/h');
  });
});
