use serde_json::{Value, json};

use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn exchange<'a>(
    method: &'a str,
    path: &'a str,
    query: &'a str,
    request: Option<&'a Value>,
    status: u16,
    response: Option<&'a Value>,
) -> Exchange<'a> {
    Exchange {
        method,
        path,
        query,
        request,
        status,
        response,
    }
}

fn messages(found: &[Violation]) -> Vec<String> {
    found.iter().map(ToString::to_string).collect()
}

#[test]
fn both_cuts_load_and_name_their_source() -> TestResult {
    for cloud in Cloud::ALL {
        let contract = Contract::of(cloud)?;
        let source = contract.source();
        assert_eq!(source.repository, "microsoftgraph/msgraph-metadata");
        assert_eq!(source.commit.len(), 40, "{source:?}");
        assert_eq!(source.file, format!("schemas/v1.0-{cloud}.csdl"));
    }
    Ok(())
}

#[test]
fn a_service_principal_has_no_created_date_time_in_either_cloud() -> TestResult {
    let created = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
        "id": "0b6f4a0e-4b21-4d34-9a35-3b1f1e1c1a11",
        "appId": "6a4f5b0d-0f3e-4c8e-9a0b-2f1c3d4e5f60",
        "displayName": "pbx365",
        "createdDateTime": "2026-01-01T00:00:00Z",
    });
    for cloud in Cloud::ALL {
        let found = Contract::of(cloud)?.check(&exchange(
            "POST",
            "/v1.0/servicePrincipals",
            "",
            Some(&json!({"appId": "6a4f5b0d-0f3e-4c8e-9a0b-2f1c3d4e5f60"})),
            201,
            Some(&created),
        ));
        assert_eq!(
            messages(&found),
            [
                "response body /createdDateTime: `createdDateTime` is not a property of microsoft.graph.servicePrincipal"
            ]
        );
    }
    Ok(())
}

#[test]
fn invented_request_properties_and_query_names_are_reported() -> TestResult {
    let contract = Contract::of(Cloud::Prod)?;
    let body = json!({
        "displayName": "pbx365",
        "signInAudience": "AzureADMyOrg",
        "requiredResourceAccess": [{
            "resourceAppId": "00000003-0000-0000-c000-000000000000",
            "resourceAccess": [{"id": "df021288-bdef-4463-88db-98f22de89214", "type": "Role", "weight": 1}]
        }],
        "owners@odata.bind": ["https://graph.microsoft.com/v1.0/directoryObjects/1"],
        "inventedFlag": true,
    });
    let found = contract.check(&exchange(
        "POST",
        "/v1.0/applications",
        "$select=id,appId,inventedName",
        Some(&body),
        201,
        None,
    ));
    assert_eq!(
        messages(&found),
        [
            "query `$select`: `inventedName` is not a property of microsoft.graph.application",
            "request body /inventedFlag: `inventedFlag` is not a property of microsoft.graph.application",
            "request body /requiredResourceAccess/0/resourceAccess/0/weight: `weight` is not a property of microsoft.graph.resourceAccess",
        ]
    );
    Ok(())
}

#[test]
fn values_are_held_to_their_types() -> TestResult {
    let contract = Contract::of(Cloud::Prod)?;
    let body = json!({
        "appId": "a-1",
        "resourceId": "not-a-guid",
        "principalType": 7,
        "appRoleAssignmentRequired": "yes",
        "keyCredentials": {"type": "AsymmetricX509Cert"},
    });
    let found = contract.check(&exchange(
        "PATCH",
        "/v1.0/servicePrincipals/1",
        "",
        Some(&body),
        204,
        None,
    ));
    let pointers: Vec<_> = found.iter().map(|v| v.location.clone()).collect();
    assert_eq!(
        pointers,
        [
            Location::Request("/appRoleAssignmentRequired".to_owned()),
            Location::Request("/keyCredentials".to_owned()),
            Location::Request("/principalType".to_owned()),
            Location::Request("/resourceId".to_owned()),
        ],
        "{found:?}"
    );
    Ok(())
}

#[test]
fn derived_members_are_held_to_the_type_they_name() -> TestResult {
    let contract = Contract::of(Cloud::Prod)?;
    let members = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/groups/1/members?$skiptoken=x",
        "value": [
            {"@odata.type": "#microsoft.graph.user", "id": "1", "userPrincipalName": "a@contoso.example"},
            {"@odata.type": "#microsoft.graph.group", "id": "2", "mailEnabled": false, "userPrincipalName": "x"},
            {"@odata.type": "#microsoft.graph.invented", "id": "3"},
            {"id": "4", "displayName": "untyped"}
        ]
    });
    let found = contract.check(&exchange(
        "GET",
        "/v1.0/groups/1/members",
        "",
        None,
        200,
        Some(&members),
    ));
    assert_eq!(
        messages(&found),
        [
            "response body /value/1/userPrincipalName: `userPrincipalName` is not a property of microsoft.graph.group",
            "response body /value/2/@odata.type: \"#microsoft.graph.invented\" is not microsoft.graph.directoryObject or a type derived from it in the cut",
            "response body /value/3/displayName: `displayName` is not a property of microsoft.graph.directoryObject",
        ]
    );
    Ok(())
}

#[test]
fn paths_resolve_through_keys_navigation_and_casts() -> TestResult {
    let contract = Contract::of(Cloud::Prod)?;
    let users = json!({"value": [{"id": "1", "displayName": "Anna", "mail": null}]});
    let ok = [
        (
            "/v1.0/groups/1/transitiveMembers/microsoft.graph.user",
            "$select=id,displayName,mail&$top=999",
            &users,
        ),
        ("/v1.0/me/memberOf", "", &json!({"value": []})),
        (
            "/v1.0/users/1/contacts",
            "",
            &json!({"value": [{"id": "c", "emailAddresses": [{"address": "a@b.c", "name": "A"}]}]}),
        ),
        (
            "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')",
            "$select=id,appRoles",
            &json!({"id": "1", "appRoles": []}),
        ),
        (
            "/v1.0/users",
            "$filter=assignedLicenses/any(l:l/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900) and startswith(displayName,'a b')&$orderby=displayName desc",
            &users,
        ),
        (
            "/v1.0/users",
            "$search=%22displayName:an%22%20OR%20%22mail:an%22&$count=true",
            &users,
        ),
        (
            "/v1.0/organization",
            "$select=id,verifiedDomains",
            &json!({"value": [{"id": "o", "verifiedDomains": [{"name": "contoso.example", "isDefault": true}]}]}),
        ),
    ];
    for (path, query, body) in ok {
        let found = contract.check(&exchange("GET", path, query, None, 200, Some(body)));
        assert!(found.is_empty(), "{path}?{query}: {found:?}");
    }
    let wrong = [
        ("/v1.0/groups/1/owners2", ""),
        ("/v1.0/groups/1/members/microsoft.graph.profilePhoto", ""),
        (
            "/v1.0/users",
            "$filter=assignedLicenses/any(l:l/skuName eq 'x')",
        ),
        ("/v1.0/users", "$orderby=inventedDate"),
        ("/v1.0/users", "$expand=displayName"),
        ("/v1.0/users", "$search=%22invented:an%22"),
        ("/v1.0/users", "$invented=1"),
        ("/v1.0/inventedSet", ""),
    ];
    for (path, query) in wrong {
        let found = contract.check(&exchange("GET", path, query, None, 200, None));
        assert_eq!(found.len(), 1, "{path}?{query}: {found:?}");
    }
    Ok(())
}

#[test]
fn annotations_are_allowed_only_where_odata_puts_them() -> TestResult {
    let contract = Contract::of(Cloud::Prod)?;
    let photo = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('1')/photo/$entity",
        "@odata.mediaContentType": "image/png",
        "@odata.mediaEtag": "W/\"1\"",
        "id": "64X64", "height": 64, "width": 64,
    });
    assert!(
        contract
            .check(&exchange(
                "GET",
                "/v1.0/users/1/photo",
                "",
                None,
                200,
                Some(&photo)
            ))
            .is_empty()
    );
    let stray = json!({"@odata.nextLink": "x", "@odata.bind": "y", "id": "1", "displayName@odata.bind": "z"});
    let found = contract.check(&exchange(
        "GET",
        "/v1.0/users/1",
        "",
        None,
        200,
        Some(&stray),
    ));
    assert_eq!(found.len(), 3, "{found:?}");
    let sent = json!({"members@odata.bind": ["https://graph.microsoft.com/v1.0/directoryObjects/1"], "@odata.nextLink": "x"});
    let found = contract.check(&exchange(
        "PATCH",
        "/v1.0/groups/1",
        "",
        Some(&sent),
        204,
        None,
    ));
    assert_eq!(
        messages(&found),
        ["request body /@odata.nextLink: `@odata.nextLink` is not allowed here"]
    );
    Ok(())
}

#[test]
fn error_answers_are_in_graph_error_format() -> TestResult {
    let contract = Contract::of(Cloud::Prod)?;
    let good = json!({"error": {"code": "Request_ResourceNotFound", "message": "m", "innerError": {"date": "d", "request-id": "r"}}});
    assert!(
        contract
            .check(&exchange(
                "GET",
                "/v1.0/applications/1",
                "",
                None,
                404,
                Some(&good)
            ))
            .is_empty()
    );
    let foreign = json!({"errors": [{"code": "x"}]});
    let found = contract.check(&exchange(
        "GET",
        "/v1.0/applications/1",
        "",
        None,
        404,
        Some(&foreign),
    ));
    assert_eq!(found.len(), 2, "{found:?}");
    Ok(())
}

#[test]
fn problems_name_the_exchange_and_the_cloud_and_skip_the_identity_platform() -> TestResult {
    let contract = Contract::of(Cloud::Mooncake)?;
    let token = json!({"access_token": "t", "invented": 1});
    let user = json!({"id": "1", "inventedName": "x"});
    let problems = contract.problems([
        exchange("POST", "/t/oauth2/v2.0/token", "", None, 200, Some(&token)),
        exchange("GET", "/v1.0/me", "$select=id", None, 200, Some(&user)),
    ]);
    assert_eq!(
        problems,
        [
            "GET /v1.0/me?$select=id → 200 [Mooncake]: response body /inventedName: `inventedName` is not a property of microsoft.graph.user"
        ]
    );
    Ok(())
}

#[test]
fn a_cut_missing_a_property_type_does_not_load() {
    let cut = json!({
        "source": {"repository": "r", "commit": "c", "file": "f"},
        "container": {},
        "types": {"microsoft.graph.x": {"kind": "complex", "properties": {"y": "microsoft.graph.missing"}}}
    });
    let error = Contract::from_json(Cloud::Prod, &cut.to_string()).err();
    assert!(
        error.is_some_and(|e| e.reason.contains("microsoft.graph.missing")),
        "a cut with a dangling type loaded"
    );
}
