//! Graph v1.0: users with paging and `$select`, photos, contacts, the signed-in admin and their
//! roles, the organization, app registrations with their key list, grants, admin consent, and
//! the permission checks on every call.

mod ms_support;

use std::collections::HashSet;

use ms_support::{TestCert, TestCloud, TestResult, access_token, query_of};
use reqwest::Method;
use serde_json::{Value, json};
use sim::ms::AppSeed;

#[tokio::test]
async fn users_page_by_999_with_absolute_next_links_until_the_end() -> TestResult {
    let tc = TestCloud::start(2100, true).await?;
    let token = tc.admin_token().await?;
    let total = tc.cloud.users().len();
    let mut next = Some(format!(
        "{}/v1.0/users?$top=999&$select=id,userPrincipalName",
        tc.base
    ));
    let mut seen = HashSet::new();
    let mut pages = 0;
    while let Some(url) = next.take() {
        let (status, page) = tc.graph(&token, &url).await?;
        assert_eq!(status, 200, "{page}");
        let values = page["value"].as_array().cloned().unwrap_or_default();
        assert!(values.len() <= 999);
        for user in values {
            assert_eq!(user.as_object().map(|o| o.len()), Some(2), "{user}");
            assert!(
                seen.insert(user["id"].as_str().unwrap_or_default().to_owned()),
                "{user} twice"
            );
        }
        pages += 1;
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
        if let Some(link) = &next {
            assert!(
                link.starts_with(&format!("{}/v1.0/users?", tc.base)),
                "{link}"
            );
            assert!(link.contains("$skiptoken="));
        }
    }
    assert_eq!(seen.len(), total);
    assert_eq!(pages, total.div_ceil(999));

    let (status, first) = tc.graph(&token, "users").await?;
    assert_eq!(status, 200);
    assert_eq!(first["value"].as_array().map(Vec::len), Some(100));
    let keys: HashSet<&str> = first["value"][0]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert!(
        keys.contains("userPrincipalName")
            && keys.contains("businessPhones")
            && !keys.contains("accountEnabled")
    );

    for top in ["0", "1000"] {
        let (status, body) = tc.graph(&token, &format!("users?$top={top}")).await?;
        assert_eq!(status, 400, "{body}");
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
    Ok(())
}

#[tokio::test]
async fn select_filter_and_the_awkward_people() -> TestResult {
    let tc = TestCloud::start(300, true).await?;
    let token = tc.admin_token().await?;
    let (status, all) = tc
        .graph(&token, "users?$top=999&$select=id,displayName,givenName,surname,userPrincipalName,mail,accountEnabled,userType")
        .await?;
    assert_eq!(status, 200);
    let users = all["value"].as_array().cloned().unwrap_or_default();
    let guest = users
        .iter()
        .find(|u| u["userType"] == "Guest")
        .ok_or("no guest")?;
    let guest_upn = guest["userPrincipalName"].as_str().unwrap_or_default();
    assert!(guest_upn.contains("#EXT#@contoso.example"), "{guest_upn}");
    assert!(users.iter().any(|u| u["accountEnabled"] == false));
    assert!(
        users
            .iter()
            .any(|u| u["givenName"].is_null() && u["surname"].is_null())
    );
    let names: Vec<&str> = users
        .iter()
        .filter_map(|u| u["displayName"].as_str())
        .collect();
    assert!(
        names.len() > names.iter().collect::<HashSet<_>>().len(),
        "no duplicate display names"
    );

    let encoded: String = url::form_urlencoded::byte_serialize(guest_upn.as_bytes()).collect();
    let (status, one) = tc
        .graph(&token, &format!("users/{encoded}?$select=mail,userType"))
        .await?;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["userType"], "Guest");
    assert!(one.get("id").is_none());

    let (status, filtered) = tc
        .graph(
            &token,
            "users?$filter=accountEnabled eq false&$select=accountEnabled",
        )
        .await?;
    assert_eq!(status, 200);
    let disabled = filtered["value"].as_array().cloned().unwrap_or_default();
    assert!(!disabled.is_empty() && disabled.iter().all(|u| u["accountEnabled"] == false));

    let admin = tc.cloud.demo_accounts().global_admin;
    let (status, found) = tc
        .graph(
            &token,
            &format!(
                "users?$filter=userPrincipalName eq '{}'",
                admin.user_principal_name.to_uppercase()
            ),
        )
        .await?;
    assert_eq!(status, 200);
    assert_eq!(found["value"][0]["id"], admin.object_id);

    let (status, body) = tc.graph(&token, "users?$select=shoeSize").await?;
    assert_eq!(status, 400, "{body}");
    let (status, body) = tc.graph(&token, "users/nobody@contoso.example").await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("Request_ResourceNotFound"))
    );
    Ok(())
}

#[tokio::test]
async fn photos_contacts_me_roles_and_organization() -> TestResult {
    let tc = TestCloud::start(40, true).await?;
    let accounts = tc.cloud.demo_accounts();
    let admin_token = tc.admin_token().await?;

    let (status, me) = tc.graph(&admin_token, "me").await?;
    assert_eq!(status, 200);
    assert_eq!(
        me["userPrincipalName"],
        accounts.global_admin.user_principal_name
    );
    let (_, roles) = tc.graph(&admin_token, "me/memberOf").await?;
    assert_eq!(
        roles["value"][0]["@odata.type"],
        "#microsoft.graph.directoryRole"
    );
    assert_eq!(
        roles["value"][0]["roleTemplateId"],
        "62e90394-69f5-4237-9190-012177145e10"
    );

    let user_admin = access_token(
        &tc.sign_in(&accounts.user_admin.user_principal_name, "openid User.Read")
            .await?,
    )?;
    let (_, roles) = tc.graph(&user_admin, "me/memberOf").await?;
    let templates: Vec<&str> = roles["value"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|r| r["roleTemplateId"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(templates, ["fe930be7-5e62-47db-91af-98c3a49a38b1"]);

    let (status, org) = tc.graph(&admin_token, "organization").await?;
    assert_eq!(status, 200);
    let org = &org["value"][0];
    assert_eq!(org["id"], tc.cloud.tenant_id());
    assert_eq!(org["displayName"], "Contoso");
    let domains = org["verifiedDomains"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(domains.iter().any(|d| d["name"] == "contoso.example"
        && d["isDefault"] == true
        && d["isInitial"] == false));
    assert!(
        domains
            .iter()
            .any(|d| d["name"] == "contoso.onmicrosoft.com" && d["isInitial"] == true)
    );

    let users = tc.cloud.users();
    let with_photo = users
        .iter()
        .find(|u| u.has_photo)
        .ok_or("nobody has a photo")?;
    let without = users
        .iter()
        .find(|u| !u.has_photo)
        .ok_or("everybody has a photo")?;
    let response = tc
        .http
        .get(format!(
            "{}/v1.0/users/{}/photo/$value",
            tc.base, with_photo.id
        ))
        .bearer_auth(&admin_token)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.bytes().await?.starts_with(b"\x89PNG"));
    let (status, body) = tc
        .graph(&admin_token, &format!("users/{}/photo/$value", without.id))
        .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("ImageNotFound"))
    );

    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(AppSeed {
        display_name: "PBX".to_owned(),
        certificates_der: vec![cert.der.clone()],
        graph_app_roles: vec!["User.Read.All".to_owned(), "Contacts.Read".to_owned()],
        ..AppSeed::default()
    })?;
    let app_token = tc.app_token(&app.app_id, &cert).await?;
    let mut with_contacts = 0;
    for user in users.iter().take(12) {
        let (status, contacts) = tc
            .graph(&app_token, &format!("users/{}/contacts", user.id))
            .await?;
        assert_eq!(status, 200, "{contacts}");
        let list = contacts["value"].as_array().cloned().unwrap_or_default();
        with_contacts += usize::from(!list.is_empty());
        assert!(
            list.iter()
                .all(|c| c["emailAddresses"][0]["address"].is_string())
        );
    }
    assert!(with_contacts > 0);
    let (status, body) = tc.graph(&app_token, "me").await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("BadRequest"))
    );
    Ok(())
}

#[tokio::test]
async fn every_call_needs_a_valid_token_with_the_right_permission() -> TestResult {
    let tc = TestCloud::start(20, true).await?;
    let accounts = tc.cloud.demo_accounts();

    let (status, body) = tc.graph("", "users").await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("InvalidAuthenticationToken"))
    );
    let (status, _) = tc.graph("not.a.token", "users").await?;
    assert_eq!(status, 401);
    tc.cloud
        .set_access_token_lifetime(std::time::Duration::ZERO);
    let expired = tc.admin_token().await?;
    let (status, body) = tc.graph(&expired, "me").await?;
    assert_eq!(status, 401);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("expired")
    );
    tc.cloud
        .set_access_token_lifetime(std::time::Duration::from_secs(3600));

    // User.Read only: the profile, not the directory.
    let member = access_token(
        &tc.sign_in(&accounts.member.user_principal_name, "openid User.Read")
            .await?,
    )?;
    assert_eq!(tc.graph(&member, "me").await?.0, 200);
    let (status, body) = tc.graph(&member, "users").await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("Authorization_RequestDenied"))
    );
    let (status, _) = tc
        .graph_send(
            Method::POST,
            &member,
            "applications",
            &json!({ "displayName": "x" }),
        )
        .await?;
    assert_eq!(status, 403);

    // An app with no granted roles gets a token without `roles`, which Graph refuses.
    let cert = TestCert::current()?;
    let bare = tc.cloud.register_app(AppSeed {
        display_name: "No permissions".to_owned(),
        certificates_der: vec![cert.der.clone()],
        ..AppSeed::default()
    })?;
    let bare_token = tc.app_token(&bare.app_id, &cert).await?;
    let (status, _) = tc.graph(&bare_token, "users").await?;
    assert_eq!(status, 403);

    // Granting application permissions needs a Global (or Privileged Role) Administrator.
    let user_admin = access_token(
        &tc.sign_in(
            &accounts.user_admin.user_principal_name,
            ms_support::ADMIN_SCOPES,
        )
        .await?,
    )?;
    let (_, graph) = tc
        .graph(
            &user_admin,
            "servicePrincipals(appId='00000003-0000-0000-c000-000000000000')",
        )
        .await?;
    let graph_id = graph["id"].as_str().unwrap_or_default().to_owned();
    let grant = json!({
        "principalId": bare.service_principal_id,
        "resourceId": graph_id,
        "appRoleId": tc.cloud.graph_app_role_id("User.Read.All"),
    });
    let path = format!("servicePrincipals/{graph_id}/appRoleAssignedTo");
    let (status, body) = tc
        .graph_send(Method::POST, &user_admin, &path, &grant)
        .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("Authorization_RequestDenied"))
    );
    let admin = tc.admin_token().await?;
    let (status, created) = tc.graph_send(Method::POST, &admin, &path, &grant).await?;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["principalId"], bare.service_principal_id);
    let (status, body) = tc.graph_send(Method::POST, &admin, &path, &grant).await?;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("already exists")
    );
    let (_, held) = tc
        .graph(
            &admin,
            &format!(
                "servicePrincipals/{}/appRoleAssignments",
                bare.service_principal_id
            ),
        )
        .await?;
    assert_eq!(held["value"].as_array().map(Vec::len), Some(1));
    let delete = format!("{path}/{}", created["id"].as_str().unwrap_or_default());
    assert_eq!(
        tc.graph_send(Method::DELETE, &admin, &delete, &Value::Null)
            .await?
            .0,
        204
    );
    assert!(tc.cloud.granted_graph_permissions(&bare.app_id).is_empty());
    Ok(())
}

#[tokio::test]
async fn patching_key_credentials_replaces_the_whole_list() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let admin = tc.admin_token().await?;
    let (status, app) = tc
        .graph_send(
            Method::POST,
            &admin,
            "applications",
            &json!({ "displayName": "Keys", "signInAudience": "AzureADMyOrg" }),
        )
        .await?;
    assert_eq!(status, 201, "{app}");
    let id = app["id"].as_str().unwrap_or_default().to_owned();
    let app_id = app["appId"].as_str().unwrap_or_default().to_owned();
    let (first, second) = (TestCert::current()?, TestCert::current()?);
    let key = |cert: &TestCert| json!({ "type": "AsymmetricX509Cert", "usage": "Verify", "key": cert.base64(), "displayName": "CN=pbx" });

    let patch = |body: Value| {
        let (tc, admin, id) = (&tc, &admin, &id);
        async move {
            tc.graph_send(Method::PATCH, admin, &format!("applications/{id}"), &body)
                .await
        }
    };
    assert_eq!(
        patch(json!({ "keyCredentials": [key(&first)] })).await?.0,
        204
    );
    let (_, listed) = tc
        .graph(&admin, &format!("applications?$filter=appId eq '{app_id}'"))
        .await?;
    let listed_key = &listed["value"][0]["keyCredentials"][0];
    assert_eq!(listed_key["customKeyIdentifier"], first.thumbprint_hex());
    assert!(
        listed_key["key"].is_null(),
        "key material only with $select"
    );

    let (_, selected) = tc
        .graph(&admin, &format!("applications/{id}?$select=keyCredentials"))
        .await?;
    let mut existing = selected["keyCredentials"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(existing[0]["key"], first.base64());
    existing.push(key(&second));
    assert_eq!(patch(json!({ "keyCredentials": existing })).await?.0, 204);
    let thumbprints: Vec<String> = tc
        .cloud
        .key_credentials(&app_id)
        .iter()
        .map(|k| k.thumbprint_hex())
        .collect();
    assert_eq!(
        thumbprints,
        [first.thumbprint_hex(), second.thumbprint_hex()]
    );

    // Sending only the new key drops the old one, as Graph does.
    assert_eq!(
        patch(json!({ "keyCredentials": [key(&second)] })).await?.0,
        204
    );
    let thumbprints: Vec<String> = tc
        .cloud
        .key_credentials(&app_id)
        .iter()
        .map(|k| k.thumbprint_hex())
        .collect();
    assert_eq!(thumbprints, [second.thumbprint_hex()]);

    let (status, body) = patch(json!({ "keyCredentials": [{ "type": "AsymmetricX509Cert", "usage": "Verify", "key": "bm90IGEgY2VydA==" }] })).await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("Request_BadRequest"))
    );
    let late = time::OffsetDateTime::now_utc() + time::Duration::days(3650);
    let mut too_long = key(&second);
    too_long["endDateTime"] = json!(late.format(&time::format_description::well_known::Rfc3339)?);
    assert_eq!(patch(json!({ "keyCredentials": [too_long] })).await?.0, 400);
    assert_eq!(
        tc.cloud.key_credentials(&app_id).len(),
        1,
        "a refused PATCH changes nothing"
    );

    let (status, body) =
        patch(json!({ "web": { "redirectUris": ["http://pbx.contoso.example/callback"] } }))
            .await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        patch(json!({ "web": { "redirectUris": ["https://pbx.contoso.example/callback"] } }))
            .await?
            .0,
        204
    );
    let (_, by_app_id) = tc
        .graph(&admin, &format!("applications(appId='{app_id}')"))
        .await?;
    assert_eq!(
        by_app_id["web"]["redirectUris"],
        json!(["https://pbx.contoso.example/callback"])
    );
    assert_eq!(
        tc.graph_send(
            Method::DELETE,
            &admin,
            &format!("applications/{id}"),
            &Value::Null
        )
        .await?
        .0,
        204
    );
    assert!(tc.cloud.application(&app_id).is_none());
    Ok(())
}

#[tokio::test]
async fn admin_consent_grants_every_declared_application_permission() -> TestResult {
    let tc = TestCloud::start(5, false).await?;
    let accounts = tc.cloud.demo_accounts();
    let roles = ["User.Read.All", "Contacts.Read", "User-Phone.ReadWrite.All"];
    let seeded = tc.cloud.register_app(AppSeed {
        display_name: "PBX".to_owned(),
        web_redirect_uris: vec!["https://pbx.contoso.example/callback".to_owned()],
        graph_app_roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        ..AppSeed::default()
    })?;
    // Start from an app that declares the permissions but has had nothing granted.
    tc.cloud.set_auto_approve(true);
    let admin_token = tc.admin_token().await?;
    tc.cloud.set_auto_approve(false);
    for grant in tc.cloud.app_role_assignments() {
        let path = format!(
            "servicePrincipals/{}/appRoleAssignedTo/{}",
            grant.resource_id, grant.id
        );
        assert_eq!(
            tc.graph_send(Method::DELETE, &admin_token, &path, &Value::Null)
                .await?
                .0,
            204
        );
    }
    assert!(
        tc.cloud
            .granted_graph_permissions(&seeded.app_id)
            .is_empty()
    );

    let url = format!("{}/{}/adminconsent", tc.base, tc.cloud.tenant_id());
    let query = [
        ("client_id", seeded.app_id.as_str()),
        ("redirect_uri", "https://pbx.contoso.example/callback"),
        ("state", "v1"),
    ];
    let page = tc.http.get(&url).query(&query).send().await?.text().await?;
    assert!(
        page.contains(
            "Read all users&#39; full profiles (application permission of Microsoft Graph)"
        ),
        "{page}"
    );
    let mut form: Vec<(&str, &str)> = query.to_vec();
    form.extend([
        ("username", accounts.user_admin.user_principal_name.as_str()),
        ("password", accounts.user_admin.password.as_str()),
        ("action", "accept"),
    ]);
    let refused = tc.http.post(&url).form(&form).send().await?;
    assert_eq!(refused.status().as_u16(), 200);
    assert!(refused.text().await?.contains("AADSTS90094"));
    assert!(
        tc.cloud
            .granted_graph_permissions(&seeded.app_id)
            .is_empty()
    );

    let mut form: Vec<(&str, &str)> = query.to_vec();
    form.extend([
        (
            "username",
            accounts.global_admin.user_principal_name.as_str(),
        ),
        ("password", accounts.global_admin.password.as_str()),
        ("action", "accept"),
    ]);
    let accepted = tc.http.post(&url).form(&form).send().await?;
    let reply = query_of(&ms_support::location(&accepted)?)?;
    assert_eq!(reply.get("admin_consent").map(String::as_str), Some("True"));
    assert_eq!(
        reply.get("tenant").map(String::as_str),
        Some(tc.cloud.tenant_id())
    );
    assert_eq!(reply.get("state").map(String::as_str), Some("v1"));
    let mut expected: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
    expected.sort();
    assert_eq!(tc.cloud.granted_graph_permissions(&seeded.app_id), expected);
    Ok(())
}

/// Graph's user resource: `User.ReadBasic.All` reads the basic profile (displayName,
/// givenName, id, mail, photo, securityIdentifier, surname, userPrincipalName) of other
/// users; every other property comes back empty, and filtering on one is refused.
#[tokio::test]
async fn user_readbasic_all_reads_only_the_basic_profile_of_others() -> TestResult {
    let tc = TestCloud::start(60, true).await?;
    let cert = TestCert::current()?;
    let app = |roles: &[&str]| AppSeed {
        display_name: format!("Reader {}", roles.join(" ")),
        web_redirect_uris: Vec::new(),
        certificates_der: vec![cert.der.clone()],
        graph_app_roles: roles.iter().map(|r| (*r).to_owned()).collect(),
    };
    let basic_app = tc.cloud.register_app(app(&["User.ReadBasic.All"]))?;
    let basic = tc.app_token(&basic_app.app_id, &cert).await?;
    let full_app = tc.cloud.register_app(app(&["User.Read.All"]))?;
    let full = tc.app_token(&full_app.app_id, &cert).await?;
    let directory = tc.cloud.users();
    let select = "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,userType,jobTitle,department,businessPhones";
    let query = format!("users?$top=999&$select={select}");

    let (status, page) = tc.graph(&basic, &query).await?;
    assert_eq!(status, 200, "{page}");
    let seen = page["value"].as_array().cloned().unwrap_or_default();
    assert_eq!(seen.len(), directory.len(), "every user, disabled ones too");
    for user in &directory {
        let item = seen
            .iter()
            .find(|i| i["id"] == user.id.as_str())
            .ok_or("user missing")?;
        assert_eq!(item["displayName"], user.display_name.as_str());
        assert_eq!(item["userPrincipalName"], user.user_principal_name.as_str());
        assert_eq!(item["givenName"], json!(user.given_name));
        assert_eq!(item["surname"], json!(user.surname));
        assert_eq!(item["mail"], json!(user.mail));
        for hidden in ["accountEnabled", "userType", "jobTitle", "department"] {
            assert!(item[hidden].is_null(), "{hidden} of {item}");
        }
        assert_eq!(item["businessPhones"], json!([]));
    }
    // The same question with the full-profile permission gets the values.
    let (status, page) = tc.graph(&full, &query).await?;
    assert_eq!(status, 200, "{page}");
    let seen = page["value"].as_array().cloned().unwrap_or_default();
    assert!(seen.iter().any(|u| u["accountEnabled"] == false));
    assert!(seen.iter().all(|u| u["userType"].is_string()));
    assert!(seen.iter().any(|u| u["jobTitle"].is_string()));

    // Without `$select`: Graph's default properties, the ones outside the basic profile empty.
    let (status, page) = tc.graph(&basic, "users?$top=5").await?;
    assert_eq!(status, 200, "{page}");
    for item in page["value"].as_array().cloned().unwrap_or_default() {
        assert!(item["userPrincipalName"].is_string(), "{item}");
        for hidden in [
            "jobTitle",
            "mobilePhone",
            "officeLocation",
            "preferredLanguage",
        ] {
            assert!(item[hidden].is_null(), "{hidden} of {item}");
        }
        assert_eq!(item["businessPhones"], json!([]));
    }

    // Filtering on what the permission cannot read is refused; on the basic profile it works.
    for filter in ["accountEnabled eq true", "userType eq 'Member'"] {
        let (status, body) = tc.graph(&basic, &format!("users?$filter={filter}")).await?;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("Authorization_RequestDenied")),
            "{filter}: {body}"
        );
        assert_eq!(
            tc.graph(&full, &format!("users?$filter={filter}")).await?.0,
            200
        );
    }
    let someone = directory.first().ok_or("empty directory")?;
    let (status, found) = tc
        .graph(
            &basic,
            &format!(
                "users?$filter=userPrincipalName eq '{}'",
                someone.user_principal_name
            ),
        )
        .await?;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["value"][0]["id"], someone.id.as_str());
    let (status, one) = tc
        .graph(
            &basic,
            &format!("users/{}?$select=displayName,department", someone.id),
        )
        .await?;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["displayName"], someone.display_name.as_str());
    assert!(one["department"].is_null());

    // Delegated, the signed-in user's own profile is whole; others' are basic.
    let accounts = tc.cloud.demo_accounts();
    let member = access_token(
        &tc.sign_in(
            &accounts.member.user_principal_name,
            "openid User.ReadBasic.All",
        )
        .await?,
    )?;
    let (status, me) = tc
        .graph(&member, "me?$select=displayName,accountEnabled")
        .await?;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["accountEnabled"], true);
    let other = &accounts.global_admin.object_id;
    let (status, them) = tc
        .graph(
            &member,
            &format!("users/{other}?$select=displayName,accountEnabled"),
        )
        .await?;
    assert_eq!(status, 200, "{them}");
    assert!(them["displayName"].is_string());
    assert!(them["accountEnabled"].is_null(), "{them}");
    Ok(())
}
