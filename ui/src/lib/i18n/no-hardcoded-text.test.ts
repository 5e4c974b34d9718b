/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findHardcodedText } from './hardcoded-text';

const SRC = fileURLToPath(new URL('../../', import.meta.url));

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'paraglide' ? [] : svelteFiles(path);
    return entry.name.endsWith('.svelte') ? [path] : [];
  });
}

describe('components take their text from the catalogues', () => {
  it('finds text nodes, visible attributes and shown script strings', () => {
    const found = findHardcodedText(
      `<script lang="ts">
  import { m } from './i18n';
  const note = 'Nothing was changed.';
  const key = 'sync-options';
  function onkey(e: KeyboardEvent) { if (e.key === 'Escape') return; }
</script>
<h1>Hello</h1>
<button aria-label="Close" title={m.x()}>{m.ok()}</button>
<p>PortSIP · pbx365</p>
<span class="badge demo">{note}{key}</span>`,
      'Example.svelte',
    ).map((finding) => `${finding.kind}:${finding.text}`);
    expect(found).toEqual(['script:Nothing was changed.', 'text:Hello', 'attribute:aria-label="Close"']);
  });

  it('no component under src/ shows hard-coded text', () => {
    const findings = svelteFiles(SRC).flatMap((file) =>
      findHardcodedText(readFileSync(file, 'utf8'), file).map(
        (finding) => `${relative(SRC, file)}:${finding.line}: ${finding.kind} ${JSON.stringify(finding.text)}`,
      ),
    );
    expect(findings).toEqual([]);
  });
});
