/**
 * A gate the browser tests open from the page: what waits on a held gate stays in progress until
 * the test calls `release()`, so a test can look at a state that would otherwise last only as
 * long as the mock's pace (and pass or fail with the machine's load). An open gate lets all by;
 * `hold()` closes it again for what comes next.
 */
export interface MockGate {
  wait: () => Promise<void>;
  release: () => void;
  hold: () => void;
}

export function mockGate(held: boolean): MockGate {
  let gate = Promise.resolve();
  let open: () => void = () => {};
  const hold = () => {
    gate = new Promise<void>((resolve) => (open = resolve));
  };
  if (held) {
    hold();
  }
  return { wait: () => gate, release: () => open(), hold };
}
