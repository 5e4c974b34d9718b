// The About screen's Rust licences: cargo-about reads the dependency tree of the desktop app
// (which holds the engine and the `pbx365` command's crates) and the licence files in each
// crate; this writes them grouped by licence to public/third-party/cargo.json, which Vite copies
// into the build. cargo-about takes minutes, so its answer is kept in target/third-party/ under
// a hash of Cargo.lock and about.toml and reused until either changes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = fileURLToPath(new URL('../public/third-party/cargo.json', import.meta.url));
const CACHE_DIR = `${ROOT}target/third-party/`;

function cargoAbout() {
  const installed = `${ROOT}.tools/bin/cargo-about`;
  return existsSync(installed) ? installed : 'cargo-about';
}

const hash = createHash('sha256')
  .update(readFileSync(`${ROOT}Cargo.lock`))
  .update(readFileSync(`${ROOT}about.toml`))
  .digest('hex')
  .slice(0, 16);
const cached = `${CACHE_DIR}cargo-${hash}.json`;

if (!existsSync(cached)) {
  const started = Date.now();
  let report;
  try {
    // --offline: only the licence files in each crate (the network fallback reaches nothing here).
    report = execFileSync(
      cargoAbout(),
      ['generate', '--offline', '--locked', '--format', 'json', '-c', `${ROOT}about.toml`, '-m', `${ROOT}src-tauri/Cargo.toml`],
      { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
    );
  } catch (error) {
    console.error(
      `cargo-licences: cargo-about failed (${error.message}). Install it with scripts/bootstrap ` +
        '(it goes to .tools/bin), or accept a new licence in about.toml after reading it.',
    );
    process.exit(1);
  }
  const groups = JSON.parse(report.toString()).licenses.map((licence) => ({
    id: licence.id,
    text: licence.text.trim(),
    packages: [...new Set(licence.used_by.map((use) => `${use.crate.name} ${use.crate.version}`))].sort(),
  }));
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cached, JSON.stringify(groups));
  console.log(`cargo-licences: ${groups.length} licence texts in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
mkdirSync(fileURLToPath(new URL('../public/third-party/', import.meta.url)), { recursive: true });
writeFileSync(OUT, readFileSync(cached));
