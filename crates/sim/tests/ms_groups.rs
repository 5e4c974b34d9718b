//! Groups on the wire: `GET /groups/{id}`, `members` and `transitiveMembers` (nested groups
//! flattened, each object once) with the `microsoft.graph.user` cast, paging that keeps `$top`
//! and `$select`, Graph's 404 and 403, limited information for members the caller may not
//! read, and membership changed while the cloud runs.

mod ms_support;

use std::collections::HashSet;

use ms_support::{TestCert, TestCloud, TestResult, access_token};
use serde_json::Value;
use sim::ms::{AppSeed, group_names};

const GROUP_READER: &str =
    "openid profile offline_access User.Read User.Read.All GroupMember.Read.All";

async fn token(tc: &TestCloud, scopes: &str) -> TestResult<String> {
    let upn = tc.cloud.demo_accounts().global_admin.user_principal_name;
    access_token(&tc.sign_in(&upn, scopes).await?)
}

fn group_id(tc: &TestCloud, name: &str) -> TestResult<String> {
    Ok(tc
        .cloud
        .group_named(name)
        .ok_or_else(|| format!("no group {name}"))?
        .id)
}

/// Follows `@odata.nextLink` to the end; returns every item and how many pages it took.
async fn all_pages(tc: &TestCloud, token: &str, first: &str) -> TestResult<(Vec<Value>, usize)> {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut next = Some(format!("{}/v1.0/{first}", tc.base));
    while let Some(url) = next {
        let response = tc.http.get(&url).bearer_auth(token).send().await?;
        let status = response.status().as_u16();
        let body: Value = response.json().await?;
        if status != 200 {
            return Err(format!("{url}: {status} {body}").into());
        }
        pages += 1;
        items.extend(body["value"].as_array().cloned().unwrap_or_default());
        next = body["@odata.nextLink"].as_str().map(str::to_owned);
    }
    Ok((items, pages))
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| i["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_group_reads_as_graph_shows_it() -> TestResult {
    let tc = TestCloud::start(60, true).await?;
    let token = token(&tc, GROUP_READER).await?;
    let support = tc
        .cloud
        .group_named(group_names::SUPPORT)
        .ok_or("no Support")?;
    let (status, body) = tc.graph(&token, &format!("groups/{}", support.id)).await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["displayName"], "Support");
    assert_eq!(body["mailEnabled"], true);
    assert_eq!(body["securityEnabled"], true);
    assert_eq!(body["groupTypes"], serde_json::json!([]));
    assert_eq!(body["mail"], "support@contoso.example");
    assert!(
        body["@odata.context"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/v1.0/$metadata#groups/$entity"),
        "{body}"
    );
    let (status, body) = tc
        .graph(
            &token,
            &format!("groups/{}?$select=id,displayName", support.id),
        )
        .await?;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("mail").is_none(), "{body}");
    let falcon = tc
        .cloud
        .group_named(group_names::PROJECT_FALCON)
        .ok_or("no Project Falcon")?;
    let (_, body) = tc.graph(&token, &format!("groups/{}", falcon.id)).await?;
    assert_eq!(body["groupTypes"], serde_json::json!(["Unified"]));
    Ok(())
}

#[tokio::test]
async fn transitive_members_flatten_nesting_and_page_with_top_and_select() -> TestResult {
    let tc = TestCloud::start(300, true).await?;
    let token = token(&tc, GROUP_READER).await?;
    let facing = group_id(&tc, group_names::CUSTOMER_FACING)?;
    let expected: HashSet<String> = tc
        .cloud
        .transitive_member_users(&facing)
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert!(expected.len() > 12, "too few to page: {}", expected.len());

    let (users, pages) = all_pages(
        &tc,
        &token,
        &format!(
            "groups/{facing}/transitiveMembers/microsoft.graph.user?$top=5&$select=id,userPrincipalName,accountEnabled"
        ),
    )
    .await?;
    assert!(pages >= 3, "{pages} pages");
    let got = ids(&users);
    assert_eq!(got.len(), expected.len(), "a member listed twice or missed");
    assert_eq!(got.into_iter().collect::<HashSet<_>>(), expected);
    for user in &users {
        let keys: HashSet<&str> = user
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            HashSet::from(["id", "userPrincipalName", "accountEnabled"]),
            "$select lost on a later page: {user}"
        );
    }

    // Without the cast the nested groups are listed too, typed, also with `$select`.
    let (selected, _) = all_pages(
        &tc,
        &token,
        &format!("groups/{facing}/transitiveMembers?$top=7&$select=id,displayName"),
    )
    .await?;
    assert_eq!(selected.len(), expected.len() + 3);
    assert!(
        selected.iter().all(|i| i["@odata.type"].is_string()
            && i["displayName"].is_string()
            && i.get("userPrincipalName").is_none()),
        "{selected:?}"
    );
    let (everything, _) = all_pages(
        &tc,
        &token,
        &format!("groups/{facing}/transitiveMembers?$top=50"),
    )
    .await?;
    let groups: HashSet<&str> = everything
        .iter()
        .filter(|i| i["@odata.type"] == "#microsoft.graph.group")
        .filter_map(|i| i["displayName"].as_str())
        .collect();
    assert_eq!(
        groups,
        HashSet::from([
            group_names::SALES,
            group_names::SALES_EMEA,
            group_names::SUPPORT
        ])
    );
    assert_eq!(everything.len(), expected.len() + 3);

    // Direct members of Sales: Sales EMEA itself, not its people.
    let sales = group_id(&tc, group_names::SALES)?;
    let emea = group_id(&tc, group_names::SALES_EMEA)?;
    let (direct, _) = all_pages(&tc, &token, &format!("groups/{sales}/members?$top=999")).await?;
    assert!(ids(&direct).contains(&emea));
    let emea_people: HashSet<String> = tc
        .cloud
        .transitive_member_users(&emea)
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert!(ids(&direct).iter().all(|id| !emea_people.contains(id)));

    let falcon = group_id(&tc, group_names::PROJECT_FALCON)?;
    let (none, pages) = all_pages(
        &tc,
        &token,
        &format!("groups/{falcon}/transitiveMembers/microsoft.graph.user"),
    )
    .await?;
    assert_eq!((none.len(), pages), (0, 1));
    Ok(())
}

#[tokio::test]
async fn unknown_groups_and_casts_are_refused_as_graph_does() -> TestResult {
    let tc = TestCloud::start(20, true).await?;
    let token = token(&tc, GROUP_READER).await?;
    let missing = "0c2a5a39-0000-4000-8000-000000000000";
    for path in [
        format!("groups/{missing}"),
        format!("groups/{missing}/transitiveMembers/microsoft.graph.user"),
    ] {
        let (status, body) = tc.graph(&token, &path).await?;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
    let sales = group_id(&tc, group_names::SALES)?;
    let (status, body) = tc
        .graph(
            &token,
            &format!("groups/{sales}/transitiveMembers/microsoft.graph.device"),
        )
        .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("Request_UnsupportedQuery"))
    );
    Ok(())
}

#[tokio::test]
async fn without_a_group_permission_graph_denies_and_without_user_read_members_are_limited()
-> TestResult {
    let tc = TestCloud::start(60, true).await?;
    let sales = group_id(&tc, group_names::SALES)?;
    let path = format!("groups/{sales}/transitiveMembers/microsoft.graph.user");
    let no_groups = token(&tc, "openid profile User.Read User.Read.All").await?;
    let (status, body) = tc.graph(&no_groups, &path).await?;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    assert_eq!(
        body["error"]["message"],
        "Insufficient privileges to complete the operation."
    );

    for scope in ["Group.Read.All", "Directory.Read.All"] {
        let other = token(&tc, &format!("openid User.Read.All {scope}")).await?;
        assert_eq!(tc.graph(&other, &path).await?.0, 200, "{scope}");
    }

    // GroupMember.Read.All alone reads membership, but not the users' properties.
    let groups_only = token(&tc, "openid GroupMember.Read.All").await?;
    let (status, body) = tc
        .graph(&groups_only, &format!("{path}?$select=id,displayName"))
        .await?;
    assert_eq!(status, 200, "{body}");
    let first = &body["value"][0];
    assert!(first["id"].is_string(), "{body}");
    assert!(first["displayName"].is_null(), "{body}");

    // Application permissions: the same table.
    let cert = TestCert::current()?;
    let with = tc.cloud.register_app(AppSeed {
        display_name: "reader".to_owned(),
        certificates_der: vec![cert.der.clone()],
        graph_app_roles: vec![
            "GroupMember.Read.All".to_owned(),
            "User.Read.All".to_owned(),
        ],
        ..AppSeed::default()
    })?;
    let without = tc.cloud.register_app(AppSeed {
        display_name: "users only".to_owned(),
        certificates_der: vec![cert.der.clone()],
        graph_app_roles: vec!["User.Read.All".to_owned()],
        ..AppSeed::default()
    })?;
    let app = tc.app_token(&with.app_id, &cert).await?;
    let (status, body) = tc.graph(&app, &path).await?;
    assert_eq!(status, 200, "{body}");
    assert!(body["value"][0]["userPrincipalName"].is_string(), "{body}");
    let app = tc.app_token(&without.app_id, &cert).await?;
    let (status, body) = tc.graph(&app, &path).await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("Authorization_RequestDenied"))
    );
    Ok(())
}

#[tokio::test]
async fn membership_changes_show_on_the_next_read() -> TestResult {
    let tc = TestCloud::start(60, true).await?;
    let token = token(&tc, GROUP_READER).await?;
    let emea = group_id(&tc, group_names::SALES_EMEA)?;
    let sales = group_id(&tc, group_names::SALES)?;
    let path = format!("groups/{sales}/transitiveMembers/microsoft.graph.user?$select=id");
    let before: HashSet<String> = ids(&all_pages(&tc, &token, &path).await?.0)
        .into_iter()
        .collect();
    let newcomer = tc
        .cloud
        .users()
        .into_iter()
        .find(|u| !before.contains(&u.id))
        .ok_or("everyone is in Sales")?;
    let leaver = tc
        .cloud
        .transitive_member_users(&emea)
        .first()
        .cloned()
        .ok_or("Sales EMEA is empty")?;
    tc.cloud.add_group_member(&emea, &newcomer.id)?;
    tc.cloud.remove_group_member(&emea, &leaver.id)?;
    let after: HashSet<String> = ids(&all_pages(&tc, &token, &path).await?.0)
        .into_iter()
        .collect();
    assert!(after.contains(&newcomer.id));
    // Also in Support, but Support is not inside Sales.
    assert!(!after.contains(&leaver.id));
    assert_eq!(after.len(), before.len());
    assert!(tc.cloud.add_group_member(&emea, &newcomer.id).is_err());
    assert!(tc.cloud.add_group_member(&emea, "nobody").is_err());
    Ok(())
}
