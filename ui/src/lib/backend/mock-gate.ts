/**
 * A gate the browser tests open from the page: what waits on a held gate stays in progress until
 * the test calls `release()`, so a test can look at a state that would otherwise last only as
 * long as the mock's pace (and pass or fail with the machine's load). An open gate lets all by.
 */
export interface MockGate {
  wait: () => Promise<void>;
  release: () => void;
}

export function mockGate(held: boolean): MockGate {
  let open: () => void = () => {};
  const gate = held ? new Promise<void>((resolve) => (open = resolve)) : Promise.resolve();
  return { wait: () => gate, release: () => open() };
}
