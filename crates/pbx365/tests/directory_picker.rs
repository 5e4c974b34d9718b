//! The directory pickers against the emulated Microsoft: people found as the admin types
//! through the wizard's own sign-in, a pasted list checked (unknown entries named), and guided
//! mode refused with a sentence that says to type the addresses.

mod engine_common;

use engine_common::{TestResult, world};
use pbx365::directory::{self, DirectoryError};
use pbx365::progress::StepContext;
use pbx365::wizard::{GuidedIds, Wizard};

fn words_start_with(text: &str, prefix: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.starts_with(prefix))
}

#[tokio::test]
async fn automatic_mode_searches_people_and_checks_a_pasted_list() -> TestResult {
    let world = world().await?;
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(world.env.clone(), "contoso")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    assert!(
        matches!(
            wizard.directory_graph(&ctx),
            Err(DirectoryError::Engine(pbx365::Error::OutOfOrder { .. }))
        ),
        "the directory was readable before signing in to Microsoft"
    );
    wizard.sign_in_microsoft(world.sign_in(), &ctx).await?;
    let graph = wizard.directory_graph(&ctx)?;

    let people = world.sim.ms.users();
    let someone = people
        .iter()
        .find(|u| u.display_name.contains(' ') && u.department.is_some())
        .ok_or("nobody with two names and a department")?;
    let surname = someone.display_name.split(' ').nth(1).ok_or("no surname")?;
    let prefix: String = surname.chars().take(3).collect::<String>().to_lowercase();

    assert!(directory::search_people(&graph, " x ").await?.is_empty());
    let found = directory::search_people(&graph, &prefix.to_uppercase()).await?;
    let hit = found
        .iter()
        .find(|p| p.id == someone.id)
        .ok_or_else(|| format!("{} not found by {prefix}", someone.display_name))?;
    assert_eq!(hit.user_principal_name, someone.user_principal_name);
    assert_eq!(hit.department, someone.department);
    for person in &found {
        assert!(
            words_start_with(&person.display_name, &prefix)
                || person
                    .user_principal_name
                    .to_lowercase()
                    .starts_with(&prefix),
            "{person:?} does not match {prefix}"
        );
    }

    let groups = world.sim.ms.groups();
    let nested = groups
        .iter()
        .find(|g| {
            g.members
                .iter()
                .any(|m| matches!(m, sim::ms::GroupMember::Group(_)))
        })
        .ok_or("no group with a nested group")?;
    let word: String = nested.display_name.chars().take(3).collect();
    let found = directory::search_groups(&graph, &word).await?;
    assert!(
        found
            .iter()
            .any(|g| g.id == nested.id && g.display_name == nested.display_name),
        "{} not found by {word}: {found:?}",
        nested.display_name
    );
    assert!(directory::search_groups(&graph, "s").await?.is_empty());

    // Pasted: a UPN in capitals, the same again, a mail address, nobody's address, not an
    // address at all, and more than one request's worth of names.
    let with_mail = people
        .iter()
        .find(|u| {
            u.mail
                .as_deref()
                .is_some_and(|m| !m.eq_ignore_ascii_case(&u.user_principal_name))
        })
        .ok_or("nobody whose mail differs from the UPN")?;
    let mut entries: Vec<String> = people
        .iter()
        .filter(|u| u.id != with_mail.id)
        .take(17)
        .map(|u| u.user_principal_name.to_uppercase())
        .collect();
    entries.push(entries[0].to_lowercase());
    entries.push(with_mail.mail.clone().unwrap_or_default());
    entries.push("nobody@contoso.example".to_owned());
    entries.push("  ".to_owned());
    entries.push("Ann Smith".to_owned());
    let check = directory::check_people(&graph, &entries).await?;
    assert_eq!(check.unknown, ["nobody@contoso.example", "Ann Smith"]);
    assert_eq!(check.known.len(), 18, "{:?}", check.known);
    assert_eq!(
        check.known.last().map(|p| p.id.as_str()),
        Some(with_mail.id.as_str())
    );
    Ok(())
}

#[tokio::test]
async fn guided_mode_has_no_directory_and_says_to_type() -> TestResult {
    let world = world().await?;
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(world.env.clone(), "guided")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    wizard
        .use_guided_ids(
            GuidedIds {
                cloud: world.cloud(),
                tenant_id: world.sim.ms.tenant_id().to_owned(),
                app_id: "0b1f3c52-7e0d-4d4e-9a43-6f0f5a1c2b3d".to_owned(),
            },
            &ctx,
        )
        .await?;
    let error = wizard
        .directory_graph(&ctx)
        .err()
        .ok_or("guided mode handed out a Graph client")?;
    let report = error.report();
    assert_eq!(report.code, "directory-guided");
    assert!(report.message.contains("type the addresses"), "{report:?}");
    Ok(())
}
