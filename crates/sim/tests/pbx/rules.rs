//! PortSIP's validation rules: each bad value is rejected with a field-level error.

use serde_json::{Value, json};

use crate::support::{Harness, TestResult, small_config};

fn new_user(name: &str, extension: &str) -> Value {
    json!({
        "name": name, "display_name": "Someone", "password": "Secret-123",
        "email": format!("{}@contoso.example", name.replace(|c: char| !c.is_ascii_alphanumeric(), "")),
        "role": "StandardUser",
        "extension_number": extension, "extension_password": "ext-secret", "voicemail_pin": "123456"
    })
}

#[tokio::test]
async fn ms365_settings_reject_bad_cron_extension_cloud_and_ids_per_field() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let before = h.get("/ms365", &admin).await?;
    let cases = [
        (json!({"sync_time": "0 0 * *"}), "sync_time"),
        (json!({"sync_time": "61 0 * * *"}), "sync_time"),
        (
            json!({"users": {"starting_extension_number": "0123"}}),
            "users.starting_extension_number",
        ),
        (
            json!({"users": {"starting_extension_number": "12"}}),
            "users.starting_extension_number",
        ),
        (json!({"national_cloud": "USGOV"}), "national_cloud"),
        (json!({"users": {"sync_type": "SOME"}}), "users.sync_type"),
        (json!({"users": {"enabled": "yes"}}), "users.enabled"),
        (json!({"application_id": "my-app"}), "application_id"),
        (json!({"directory_id": "contoso.example"}), "directory_id"),
    ];
    for (body, field) in cases {
        let answer = h.post("/ms365", &admin, body.clone()).await?;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text);
        assert!(
            answer.error_codes().iter().all(|c| c == "VALIDATE_FAILED"),
            "{}",
            answer.text
        );
        assert!(
            answer.error_fields().iter().any(|f| f == field),
            "{body}: {:?}",
            answer.error_messages()
        );
    }
    let all_at_once = h
        .post(
            "/ms365",
            &admin,
            json!({"sync_time": "bad", "national_cloud": "MOON", "users": {"starting_extension_number": "0999"}}),
        )
        .await?;
    let mut fields = all_at_once.error_fields();
    fields.sort();
    fields.dedup();
    assert_eq!(
        fields,
        [
            "national_cloud",
            "sync_time",
            "users.starting_extension_number"
        ],
        "every problem is reported at once: {}",
        all_at_once.text
    );
    let after = h.get("/ms365", &admin).await?;
    assert_eq!(
        before.json, after.json,
        "a rejected update changed the settings"
    );
    Ok(())
}

#[tokio::test]
async fn ms365_settings_accept_valid_values_and_merge() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let update = json!({
        "national_cloud": "CHINA",
        "directory_id": "0b5e1c4a-6f7d-4c2b-9a8e-1d2c3b4a5f60",
        "application_id": "9a8e1d2c-3b4a-4f60-8b5e-1c4a6f7d4c2b",
        "sync_time": "*/30 8-18 * * MON-FRI",
        "users": {"enabled": true, "starting_extension_number": "5000", "sync_type": "INCLUDE", "selected_users": ["anna@contoso.example"]},
        "events": {"enabled": true},
        "redirect_uri": "https://attacker.example/"
    });
    let answer = h.post("/ms365", &admin, update).await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let shown = h.get("/ms365", &admin).await?;
    assert_eq!(shown.text_at("/national_cloud"), "CHINA");
    assert_eq!(shown.text_at("/users/starting_extension_number"), "5000");
    assert_eq!(
        shown.field("/users/sync_photo"),
        Some(&json!(false)),
        "untouched fields stay"
    );
    assert_eq!(shown.field("/events/sync_type"), Some(&json!("ALL")));
    assert_eq!(
        shown.text_at("/redirect_uri"),
        h.sim.pbx.redirect_uri(),
        "redirect_uri is read-only"
    );
    assert_eq!(shown.json.as_ref(), Some(&h.sim.pbx.ms365_settings()));
    Ok(())
}

#[tokio::test]
async fn users_reject_reserved_bad_and_duplicate_names_and_extensions() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let existing = h.sim.pbx.users();
    let taken_extension = existing
        .iter()
        .find_map(|u| u.get("extension_number").and_then(Value::as_str))
        .ok_or("no seeded user")?
        .to_owned();
    let cases = [
        (new_user("Admin", "4100"), "name"),
        (new_user("ROOT", "4101"), "name"),
        (new_user("system", "4102"), "name"),
        (new_user("administrator", "4103"), "name"),
        (new_user(".anna", "4104"), "name"),
        (new_user("anna.", "4105"), "name"),
        (new_user("anna berg", "4106"), "name"),
        (new_user("pbxadmin", "4107"), "name"),
        (new_user("fresh.one", "0123"), "extension_number"),
        (new_user("fresh.two", "12"), "extension_number"),
        (
            new_user("fresh.three", "12345678901234"),
            "extension_number",
        ),
        (new_user("fresh.four", &taken_extension), "extension_number"),
    ];
    for (body, field) in cases {
        let answer = h.post("/users", &admin, body.clone()).await?;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text);
        assert_eq!(
            answer.error_fields(),
            [field],
            "{body}: {:?}",
            answer.error_messages()
        );
    }
    let missing = h
        .post("/users", &admin, json!({"name": "half.done"}))
        .await?;
    let mut fields = missing.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "display_name",
            "email",
            "extension_number",
            "extension_password",
            "password",
            "role",
            "voicemail_pin"
        ]
    );
    let apostrophe = h
        .post("/users", &admin, new_user("d'arcy-o_k.x", "4200"))
        .await?;
    assert_eq!(apostrophe.status, 201, "{}", apostrophe.text);
    let again = h
        .post("/users", &admin, new_user("D'ARCY-O_K.X", "4201"))
        .await?;
    assert_eq!(
        again.error_fields(),
        ["name"],
        "names are unique in any letter case"
    );
    assert_eq!(h.sim.pbx.users().len(), existing.len() + 1);
    Ok(())
}

#[tokio::test]
async fn bindings_are_unique_per_microsoft_account() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let ids: Vec<String> = h
        .sim
        .pbx
        .users()
        .iter()
        .filter_map(|u| u.get("id").and_then(Value::as_str).map(str::to_owned))
        .take(2)
        .collect();
    let [first, second] = ids.as_slice() else {
        return Err("two seeded users expected".into());
    };
    let object_id = "2f4e6a8c-1b3d-4f5a-9c7e-0a1b2c3d4e5f";
    let bound = h
        .post(
            &format!("/users/{first}/ms365_binding"),
            &admin,
            json!({"id": object_id}),
        )
        .await?;
    assert_eq!(bound.status, 200, "{}", bound.text);
    assert_eq!(h.sim.pbx.ms365_binding(first).as_deref(), Some(object_id));
    let shown = h.get(&format!("/users/{first}"), &admin).await?;
    assert_eq!(shown.text_at("/sync_type"), "Microsoft 365");
    let twice = h
        .post(
            &format!("/users/{second}/ms365_binding"),
            &admin,
            json!({"id": object_id}),
        )
        .await?;
    assert_eq!(twice.error_fields(), ["id"], "{}", twice.text);
    let unbound = h
        .call(
            "POST",
            &format!("/users/{first}/ms365_binding/destroy"),
            Some(&admin),
            None,
        )
        .await?;
    assert_eq!(unbound.status, 204);
    assert_eq!(h.sim.pbx.ms365_binding(first), None);
    let shown = h.get(&format!("/users/{first}"), &admin).await?;
    assert_eq!(shown.field("/sync_type"), None);
    Ok(())
}

#[tokio::test]
async fn paging_filter_and_search() -> TestResult {
    let h = Harness::start(sim::SimConfig {
        pbx_users: 250,
        ..small_config()
    })
    .await?;
    let admin = h.admin().await?;
    let mut names = Vec::new();
    let mut skip = 0;
    loop {
        let page = h
            .get(&format!("/users?top=100&skip={skip}"), &admin)
            .await?;
        assert_eq!(page.field("/count"), Some(&json!(250)));
        let items = page
            .field("/items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if items.is_empty() {
            break;
        }
        assert!(items.len() <= 100);
        names.extend(
            items
                .iter()
                .filter_map(|u| u.get("name").and_then(Value::as_str).map(str::to_owned)),
        );
        skip += items.len();
    }
    assert_eq!(names.len(), 250);
    let default_page = h.get("/users", &admin).await?;
    assert_eq!(
        default_page
            .field("/items")
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(100)
    );
    for bad in ["top=0", "top=101", "skip=-3", "top=ten"] {
        let answer = h.get(&format!("/users?{bad}"), &admin).await?;
        assert_eq!(answer.status, 400, "{bad}");
        let field = bad.split('=').next().unwrap_or_default();
        assert_eq!(answer.error_fields(), [field], "{bad}");
    }
    let admins = h.get("/users?filter=role%20eq%20'Admin'", &admin).await?;
    assert_eq!(admins.field("/count"), Some(&json!(1)));
    assert_eq!(admins.text_at("/items/0/name"), "pbxadmin");
    let search = h.get("/users?search=RECEPTION", &admin).await?;
    assert_eq!(search.text_at("/items/0/name"), "reception");
    Ok(())
}
