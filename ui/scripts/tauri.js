// Runs the Tauri CLI with the app (../src-tauri) and this UI named explicitly: searching from the
// current directory, the CLI does not find src-tauri next to ui/, and from the repository root it
// would also find the test packages' package.json files.
import { run } from '@tauri-apps/cli';
import { fileURLToPath } from 'node:url';

process.env.TAURI_APP_PATH = fileURLToPath(new URL('../../src-tauri', import.meta.url));
process.env.TAURI_FRONTEND_PATH = fileURLToPath(new URL('..', import.meta.url));

await run(process.argv.slice(2), 'npm run tauri');
