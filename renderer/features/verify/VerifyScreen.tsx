import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';

/** Not built yet: says so plainly instead of showing invented data. */
export function VerifyScreen() {
  return (
    <div className="screen">
      <ScreenHeader title="Verify" />
      <EmptyState icon="verify" title="Verify is not available yet">
        Check setup scripts, installers and appliances: hashes against their sidecar files and Authenticode signatures, offline. Verification is not built yet.
      </EmptyState>
    </div>
  );
}
