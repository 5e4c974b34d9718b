// The npm packages bundled into the UI, grouped by licence, in the shape the About screen reads
// (src/lib/about/licences.ts); rollup-plugin-license finds them in the bundle as Vite builds it.
import type { Dependency } from 'rollup-plugin-license';

export interface LicenceGroup {
  id: string;
  text: string;
  packages: string[];
}

export function groupByLicence(dependencies: Dependency[]): LicenceGroup[] {
  const groups = new Map<string, LicenceGroup>();
  for (const dependency of dependencies) {
    const id = dependency.license ?? 'UNKNOWN';
    const text = (dependency.licenseText ?? '').trim();
    const key = `${id}\n${text}`;
    const group = groups.get(key) ?? { id, text, packages: [] };
    group.packages.push(`${dependency.name ?? '?'} ${dependency.version ?? ''}`.trim());
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.id.localeCompare(b.id) || a.text.localeCompare(b.text));
}
