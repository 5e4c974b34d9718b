import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;

/** Waits for `vite preview` to print the address it chose (it binds a free port). */
function previewUrl(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      reject(new Error(`vite preview did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output}`));
    }, STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      // vite colours the port when it thinks it writes to a terminal: drop the escapes first.
      output += chunk.toString().replace(/\u001b\[[0-9;]*m/g, '');
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vite preview exited with code ${code}:\n${output}`));
    });
  });
}

/** Serves the built UI (with its mock backend) for the tests; returns the teardown. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(`${UI_DIR}dist/index.html`)) {
    throw new Error('ui/dist is missing: build the UI first (make ui-build, or npm run build in ui/).');
  }
  const server = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', '0', '--strictPort'],
    { cwd: UI_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  try {
    process.env['PBX365_UI_URL'] = await previewUrl(server);
  } catch (error) {
    server.kill();
    throw error;
  }
  return async () => {
    server.kill();
  };
}
