//! `$search` and `$filter=… in (…)` on `/users` as Graph's advanced queries serve them: the
//! `ConsistencyLevel: eventual` header, word-prefix matches on display names, `$count`, paging
//! with the search kept in the next link, and the limit of 15 values in `in`.

mod ms_support;

use std::collections::HashSet;

use ms_support::{TestCloud, TestResult};
use serde_json::Value;

async fn advanced(tc: &TestCloud, token: &str, path_and_query: &str) -> TestResult<(u16, Value)> {
    let url = if path_and_query.starts_with("http") {
        path_and_query.to_owned()
    } else {
        format!("{}/v1.0/{path_and_query}", tc.base)
    };
    let response = tc
        .http
        .get(url)
        .bearer_auth(token)
        .header("ConsistencyLevel", "eventual")
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await?))
}

fn strings(page: &Value, property: &str) -> Vec<String> {
    page["value"]
        .as_array()
        .map(|users| {
            users
                .iter()
                .filter_map(|u| u[property].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn search_needs_the_eventual_consistency_header() -> TestResult {
    let tc = TestCloud::start(50, true).await?;
    let token = tc.admin_token().await?;
    let (status, body) = tc.graph(&token, "users?$search=\"displayName:a\"").await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("'ConsistencyLevel: eventual'"),
        "{body}"
    );
    let (status, body) = tc.graph(&token, "users?$count=true").await?;
    assert_eq!(status, 400, "{body}");
    let (status, body) = advanced(&tc, &token, "users?$search=displayName:a").await?;
    assert_eq!(status, 400, "an unquoted clause passed: {body}");
    Ok(())
}

#[tokio::test]
async fn search_matches_words_of_names_and_the_start_of_addresses() -> TestResult {
    let tc = TestCloud::start(300, true).await?;
    let token = tc.admin_token().await?;
    let users = tc.cloud.users();
    let someone = users
        .iter()
        .find(|u| u.display_name.contains(' ') && u.user_type == "Member")
        .ok_or("no member with two names")?;
    let surname = someone
        .display_name
        .split(' ')
        .nth(1)
        .ok_or("no surname")?
        .to_owned();
    let prefix: String = surname.chars().take(3).collect::<String>().to_uppercase();
    let expected: HashSet<String> = users
        .iter()
        .filter(|u| {
            u.display_name
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(&prefix.to_lowercase()))
                || u.user_principal_name
                    .to_lowercase()
                    .starts_with(&prefix.to_lowercase())
        })
        .map(|u| u.id.clone())
        .collect();
    assert!(expected.contains(&someone.id));

    let query = format!(
        "users?$search=\"displayName:{prefix}\" OR \"userPrincipalName:{prefix}\"&$select=id,displayName,userPrincipalName,department&$top=5&$count=true"
    );
    let mut next = Some(query);
    let mut found = HashSet::new();
    let mut first = true;
    while let Some(url) = next.take() {
        let (status, page) = advanced(&tc, &token, &url).await?;
        assert_eq!(status, 200, "{page}");
        if first {
            assert_eq!(page["@odata.count"], expected.len(), "{page}");
            first = false;
        }
        for user in page["value"].as_array().cloned().unwrap_or_default() {
            assert_eq!(user.as_object().map(|o| o.len()), Some(4), "{user}");
            found.insert(user["id"].as_str().unwrap_or_default().to_owned());
        }
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
        if let Some(link) = &next {
            assert!(link.contains("$search="), "{link}");
        }
    }
    assert_eq!(found, expected);

    // A word in the middle of a name does not match from its middle.
    let middle: String = surname.chars().skip(1).take(3).collect();
    let (_, page) = advanced(
        &tc,
        &token,
        &format!("users?$search=\"displayName:{middle}\"&$select=displayName"),
    )
    .await?;
    for name in strings(&page, "displayName") {
        assert!(
            name.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(&middle.to_lowercase())),
            "{name} matched {middle}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn filter_in_takes_up_to_15_values() -> TestResult {
    let tc = TestCloud::start(40, true).await?;
    let token = tc.admin_token().await?;
    let upns: Vec<String> = tc
        .cloud
        .users()
        .iter()
        .map(|u| u.user_principal_name.clone())
        .collect();
    // Guests' names hold `#EXT#`, so the list is percent-encoded as a client must.
    let quoted = |names: &[String]| {
        let list = names
            .iter()
            .map(|n| format!("'{}'", n.to_uppercase()))
            .collect::<Vec<_>>()
            .join(",");
        url::form_urlencoded::byte_serialize(list.as_bytes()).collect::<String>()
    };
    let mut asked: Vec<String> = upns[..14].to_vec();
    asked.push("nobody@contoso.example".to_owned());
    let (status, page) = tc
        .graph(
            &token,
            &format!(
                "users?$filter=userPrincipalName in ({})&$select=userPrincipalName",
                quoted(&asked)
            ),
        )
        .await?;
    assert_eq!(status, 200, "{page}");
    let found: HashSet<String> = strings(&page, "userPrincipalName").into_iter().collect();
    assert_eq!(found, upns[..14].iter().cloned().collect());

    let (status, body) = tc
        .graph(
            &token,
            &format!(
                "users?$filter=userPrincipalName in ({})",
                quoted(&upns[..16])
            ),
        )
        .await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
    Ok(())
}

#[tokio::test]
async fn groups_are_searched_by_words_of_their_names_with_a_group_permission() -> TestResult {
    let tc = TestCloud::start(60, true).await?;
    let upn = tc.cloud.demo_accounts().global_admin.user_principal_name;
    let reader = ms_support::access_token(
        &tc.sign_in(
            &upn,
            "openid profile offline_access User.Read GroupMember.Read.All",
        )
        .await?,
    )?;
    let groups = tc.cloud.groups();
    let nested = groups
        .iter()
        .find(|g| g.display_name.contains(' '))
        .ok_or("no group with two words")?;
    let second_word: String = nested
        .display_name
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take(3)
        .collect();
    let expected: HashSet<String> = groups
        .iter()
        .filter(|g| {
            g.display_name
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(&second_word.to_lowercase()))
        })
        .map(|g| g.id.clone())
        .collect();
    let (status, page) = advanced(
        &tc,
        &reader,
        &format!(
            "groups?$search=\"displayName:{second_word}\"&$select=id,displayName,description,mail&$count=true"
        ),
    )
    .await?;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["@odata.count"], expected.len());
    let found: HashSet<String> = strings(&page, "id").into_iter().collect();
    assert_eq!(found, expected);
    assert!(found.contains(&nested.id));

    let (status, body) = tc
        .graph(
            &reader,
            &format!("groups?$search=\"displayName:{second_word}\""),
        )
        .await?;
    assert_eq!(status, 400, "{body}");
    let users_only = tc.admin_token().await?;
    let (status, body) = advanced(&tc, &users_only, "groups?$search=\"displayName:sa\"").await?;
    assert_eq!(status, 403, "{body}");
    Ok(())
}
