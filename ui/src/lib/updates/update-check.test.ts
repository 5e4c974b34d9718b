import { describe, expect, it } from 'vitest';
import { createMockUpdates } from '../backend/update-mock';
import type { UpdateStatus } from '../bindings/UpdateStatus';
import { updateCheck } from './update-check';

describe('the update check', () => {
  it('asks the backend once per run, however many screens want the answer', async () => {
    const updates = createMockUpdates('off-policy');
    let asked = 0;
    const counted = {
      ...updates,
      checkForUpdate: (): Promise<UpdateStatus> => {
        asked += 1;
        return updates.checkForUpdate();
      },
    };

    const first = await updateCheck(counted);
    const second = await updateCheck(counted);

    expect(asked).toBe(1);
    expect(second).toBe(first);
    expect(first).toEqual({ code: 'off', reason: { code: 'policy', file: '/etc/pbx365/policy.json' } });
    // Another backend (another run) asks again.
    await updateCheck({ ...counted });
    expect(asked).toBe(2);
  });
});
