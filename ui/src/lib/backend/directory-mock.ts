import type { DirectoryCheck } from '../bindings/DirectoryCheck';
import type { DirectoryGroup } from '../bindings/DirectoryGroup';
import type { DirectoryPerson } from '../bindings/DirectoryPerson';
import type { DirectoryOperations } from './directory-operations';

const DOMAIN = 'contoso.com';

function person(id: number, name: string, upn: string, department: string | null): DirectoryPerson {
  return { id: `mock-user-${id}`, display_name: name, user_principal_name: `${upn}@${DOMAIN}`, department };
}

/** The mock tenant's people: a few departments, shared surnames, a name with an accent and one in Chinese. */
export const MOCK_PEOPLE: readonly DirectoryPerson[] = [
  person(1, 'Adele Vance', 'adele.vance', 'Retail'),
  person(2, 'Alex Wilber', 'alex.wilber', 'Marketing'),
  person(3, 'Allan Deyoung', 'allan.deyoung', 'IT'),
  person(4, 'Christie Cline', 'christie.cline', 'Sales'),
  person(5, 'Debra Berger', 'debra.berger', 'Executive Management'),
  person(6, 'Diego Siciliani', 'diego.siciliani', 'HR'),
  person(7, 'Emily Braun', 'emily.braun', 'Finance'),
  person(8, 'Enrico Cattaneo', 'enrico.cattaneo', 'Legal'),
  person(9, 'Grady Archie', 'grady.archie', 'Research & Development'),
  person(10, 'Henrietta Mueller', 'henrietta.mueller', 'Research & Development'),
  person(11, 'Irvin Sayers', 'irvin.sayers', 'Research & Development'),
  person(12, 'Isaiah Langer', 'isaiah.langer', 'Sales'),
  person(13, 'Johanna Lorenz', 'johanna.lorenz', 'Engineering'),
  person(14, 'Joni Sherman', 'joni.sherman', 'Legal'),
  person(15, 'Jordan Miller', 'jordan.miller', 'Finance'),
  person(16, 'Lee Gu', 'lee.gu', 'Manufacturing'),
  person(17, 'Lidia Holloway', 'lidia.holloway', 'Engineering'),
  person(18, 'Lynne Robbins', 'lynne.robbins', 'Retail'),
  person(19, 'Megan Bowen', 'megan.bowen', 'Marketing'),
  person(20, 'Miriam Graham', 'miriam.graham', 'Sales'),
  person(21, 'Nestor Wilke', 'nestor.wilke', 'Operations'),
  person(22, 'Patti Fernández', 'patti.fernandez', 'Executive Management'),
  person(23, '李明 Li Ming', 'li.ming', 'Sales'),
  person(24, 'Sales front desk', 'sales', null),
];

/** The mock tenant's groups; "All engineering" holds "Platform team" (nested). */
export const MOCK_GROUPS: readonly DirectoryGroup[] = [
  { id: 'mock-group-1', display_name: 'All engineering', description: 'Everyone in Engineering and its teams', mail: `engineering@${DOMAIN}` },
  { id: 'mock-group-2', display_name: 'Platform team', description: 'Member of All engineering', mail: `platform@${DOMAIN}` },
  { id: 'mock-group-3', display_name: 'Sales and marketing', description: null, mail: `salesmarketing@${DOMAIN}` },
  { id: 'mock-group-4', display_name: 'Front desk phones', description: 'Receptionists and shared desks', mail: null },
  { id: 'mock-group-5', display_name: 'Leadership', description: 'Executive management', mail: `leadership@${DOMAIN}` },
  { id: 'mock-group-6', display_name: 'Support line', description: null, mail: `support@${DOMAIN}` },
];

/** How long the mock directory takes to answer: `?mock-directory-ms=N` (default 60). */
export function directoryDelayFromAddress(search: string): number {
  const ms = Number(new URLSearchParams(search).get('mock-directory-ms') ?? '60');
  return Number.isFinite(ms) && ms >= 0 ? ms : 60;
}

const words = (text: string) => text.toLocaleLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');

/** Graph's `$search` as the emulator plays it: every word of the query begins a word of the name, or the address starts with it. */
export function matchesSearch(name: string, addresses: (string | null)[], query: string): boolean {
  const wanted = words(query);
  const nameWords = words(name);
  const q = query.trim().toLocaleLowerCase();
  return (
    (wanted.length > 0 && wanted.every((word) => nameWords.some((n) => n.startsWith(word)))) ||
    addresses.some((address) => address !== null && address.toLocaleLowerCase().startsWith(q))
  );
}

const MIN_QUERY = 2;
const RESULTS = 20;

export function createMockDirectory(delayMs: number = directoryDelayFromAddress(globalThis.location?.search ?? '')): DirectoryOperations {
  const wait = () => new Promise((resolve) => setTimeout(resolve, delayMs));
  return {
    directorySearchPeople: async (query) => {
      await wait();
      if (query.trim().length < MIN_QUERY) {
        return [];
      }
      return MOCK_PEOPLE.filter((p) => matchesSearch(p.display_name, [p.user_principal_name], query)).slice(0, RESULTS);
    },
    directorySearchGroups: async (query) => {
      await wait();
      if (query.trim().length < MIN_QUERY) {
        return [];
      }
      return MOCK_GROUPS.filter((g) => matchesSearch(g.display_name, [g.mail], query)).slice(0, RESULTS);
    },
    directoryCheckPeople: async (entries) => {
      await wait();
      const check: DirectoryCheck = { known: [], unknown: [] };
      const seen = new Set<string>();
      for (const entry of entries.map((e) => e.trim()).filter((e) => e !== '')) {
        const key = entry.toLocaleLowerCase();
        if (seen.has(key)) {
          continue;
        }
        seen.add(key);
        const found = MOCK_PEOPLE.find((p) => p.user_principal_name.toLocaleLowerCase() === key);
        if (!found) {
          check.unknown.push(entry);
        } else if (!check.known.some((p) => p.id === found.id)) {
          check.known.push(found);
        }
      }
      return check;
    },
  };
}
