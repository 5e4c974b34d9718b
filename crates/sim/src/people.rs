//! Deterministic, realistic people for the seeded tenants.
//!
//! Both halves of the emulator draw from the same population so that the Microsoft tenant and
//! the PBX tenant overlap the way they do in a real company: some mailboxes already exist as
//! PBX users. The population deliberately contains the awkward cases a sync must handle:
//! guests, disabled accounts, people with no first and last name, and duplicate display names.

/// What kind of directory account a person has in Microsoft 365.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// An ordinary enabled member of the tenant.
    Member,
    /// A guest (B2B) account: `userType` is `Guest`, the UPN carries `#EXT#`.
    Guest,
    /// A member whose account has been disabled (`accountEnabled` is false).
    Disabled,
    /// A member with neither a first nor a last name; PortSIP does not sync these.
    Nameless,
}

/// One person of the seeded population.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Position in the population; stable for a given seed.
    pub index: usize,
    pub given_name: String,
    pub surname: String,
    pub display_name: String,
    /// Local part of the mailbox, unique within the population (`anna.berg2`).
    pub mail_nickname: String,
    pub department: String,
    pub job_title: String,
    /// Office phone in E.164 form.
    pub business_phone: String,
    pub mobile_phone: Option<String>,
    pub kind: AccountKind,
    /// Whether the person has a profile photo in Microsoft 365.
    pub has_photo: bool,
}

impl Person {
    /// The person's mailbox in the given verified domain.
    pub fn mail(&self, domain: &str) -> String {
        format!("{}@{domain}", self.mail_nickname)
    }
}

const GIVEN_NAMES: &[&str] = &[
    "Anna",
    "Ben",
    "Chloé",
    "David",
    "Elif",
    "Farid",
    "Grace",
    "Hiroshi",
    "Ingrid",
    "Jamal",
    "Katarzyna",
    "Liam",
    "María",
    "Noah",
    "Olga",
    "Pedro",
    "Quinn",
    "Rania",
    "Sven",
    "Thandiwe",
    "Uma",
    "Victor",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Aoife",
    "Bjørn",
    "Carlos",
    "Dana",
    "Emeka",
    "Fatima",
    "Giulia",
    "Hannah",
    "Ivan",
    "Jin",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
];

const SURNAMES: &[&str] = &[
    "Berg",
    "Okafor",
    "Dubois",
    "Kowalski",
    "Yılmaz",
    "Haddad",
    "O'Brien",
    "Tanaka",
    "Lindqvist",
    "Johnson",
    "Nowak",
    "Murphy",
    "García",
    "Smith",
    "Ivanova",
    "Silva",
    "Chen",
    "Khalil",
    "Andersen",
    "Mokoena",
    "Patel",
    "Rossi",
    "Wang",
    "Hernández",
    "Demir",
    "Müller",
    "Kelly",
    "Jensen",
    "López",
    "Cohen",
    "Mensah",
    "Rahman",
    "Bianchi",
    "Schmidt",
    "Petrov",
    "Kim",
    "Boateng",
    "Fischer",
    "Ramírez",
    "Al-Sayed",
];

const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "Sales",
        &["Account Executive", "Sales Manager", "Sales Engineer"],
    ),
    ("Support", &["Support Engineer", "Support Lead"]),
    ("Finance", &["Accountant", "Controller"]),
    (
        "Engineering",
        &["Software Engineer", "Engineering Manager", "QA Engineer"],
    ),
    ("Marketing", &["Marketing Specialist", "Content Writer"]),
    ("Operations", &["Office Manager", "Operations Analyst"]),
    ("People", &["HR Partner", "Recruiter"]),
];

/// A small, fast, well-distributed generator (SplitMix64), so seeds give the same people on
/// every platform and every run without pulling a random-number crate into the emulator.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        // Population sizes are tiny compared with 2^64, so modulo bias is negligible here.
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Folds a name to the ASCII letters a mailbox would use (`Chloé` → `chloe`, `O'Brien` → `obrien`).
fn mailbox_part(name: &str) -> String {
    name.chars()
        .filter_map(|c| {
            let folded = match c {
                'á' | 'à' | 'â' | 'ä' | 'Á' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'ı' | 'İ' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'ø' | 'Ø' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                'ÿ' => 'y',
                c => c,
            };
            folded
                .is_ascii_alphanumeric()
                .then(|| folded.to_ascii_lowercase())
        })
        .collect()
}

/// Generates `count` people for `seed`. The same arguments always give the same people, and
/// the first `n` people of a larger population equal a population of `n`.
///
/// Roughly: 1 in 17 is a guest, 1 in 13 is disabled, 1 in 29 has no first and last name, and
/// about 1 in 11 shares the display name of someone earlier in the list.
pub fn generate(count: usize, seed: u64) -> Vec<Person> {
    let mut rng = SplitMix64(seed);
    let mut people: Vec<Person> = Vec::with_capacity(count);
    let mut nicknames = std::collections::HashMap::<String, usize>::new();
    for index in 0..count {
        let reuse_name = !people.is_empty() && rng.below(11) == 0;
        let (given_name, surname) = if reuse_name {
            let earlier = &people[rng.below(people.len())];
            (earlier.given_name.clone(), earlier.surname.clone())
        } else {
            (
                (*rng.pick(GIVEN_NAMES)).to_owned(),
                (*rng.pick(SURNAMES)).to_owned(),
            )
        };
        let kind = match rng.below(377) {
            r if r % 17 == 0 => AccountKind::Guest,
            r if r % 13 == 0 => AccountKind::Disabled,
            r if r % 29 == 0 => AccountKind::Nameless,
            _ => AccountKind::Member,
        };
        let base = format!("{}.{}", mailbox_part(&given_name), mailbox_part(&surname));
        let seen = nicknames.entry(base.clone()).or_insert(0);
        *seen += 1;
        let mail_nickname = if *seen == 1 {
            base
        } else {
            format!("{base}{seen}")
        };
        let display_name = format!("{given_name} {surname}");
        let (given_name, surname) = if kind == AccountKind::Nameless {
            (String::new(), String::new())
        } else {
            (given_name, surname)
        };
        let (department, titles) = *rng.pick(DEPARTMENTS);
        let job_title = (*rng.pick(titles)).to_owned();
        let business_phone = format!("+1 425 555 {:04}", 1000 + index % 9000);
        let mobile_phone =
            (rng.below(3) > 0).then(|| format!("+1 206 555 {:04}", rng.below(10_000)));
        let has_photo = rng.below(4) > 0;
        people.push(Person {
            index,
            given_name,
            surname,
            display_name,
            mail_nickname,
            department: department.to_owned(),
            job_title,
            business_phone,
            mobile_phone,
            kind,
            has_photo,
        });
    }
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_people_and_prefix_stable() {
        let a = generate(300, 7);
        let b = generate(300, 7);
        assert_eq!(a, b);
        assert_eq!(generate(120, 7), a[..120].to_vec());
        assert_ne!(generate(300, 8), a);
    }

    #[test]
    fn population_has_every_awkward_case() {
        let people = generate(1000, 1);
        for kind in [
            AccountKind::Guest,
            AccountKind::Disabled,
            AccountKind::Nameless,
            AccountKind::Member,
        ] {
            assert!(
                people.iter().any(|p| p.kind == kind),
                "no {kind:?} in 1000 people"
            );
        }
        let mut names = std::collections::HashSet::new();
        let duplicates = people
            .iter()
            .filter(|p| !names.insert(&p.display_name))
            .count();
        assert!(duplicates > 20, "only {duplicates} duplicate display names");
        let nameless = people.iter().find(|p| p.kind == AccountKind::Nameless);
        assert!(nameless.is_some_and(|p| p.given_name.is_empty() && p.surname.is_empty()));
    }

    #[test]
    fn mailboxes_are_unique_ascii() {
        let people = generate(2000, 3);
        let mut seen = std::collections::HashSet::new();
        for p in &people {
            assert!(
                p.mail_nickname
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.')
            );
            assert!(
                seen.insert(p.mail_nickname.clone()),
                "{} twice",
                p.mail_nickname
            );
        }
        assert_eq!(mailbox_part("Chloé"), "chloe");
        assert_eq!(mailbox_part("O'Brien"), "obrien");
        assert_eq!(mailbox_part("Yılmaz"), "yilmaz");
    }
}
