//! What each example must print, as lines or parts of lines (the order of JSON
//! keys depends on serde_json's features, so each fact is one `"key": value`).
//! Shared by `examples.rs` and the corpus test (`tests/corpus.rs`).

pub const EXAMPLES: [(&str, &[&str]); 5] = [
    (
        "list_users",
        &[
            "GET /users?$select=displayName,mail&$top=2\n",
            "  Ada Lovelace <ada@contoso.example>\n",
            "  Carlos Mendes <no mail>\n",
            "GET https://graph.microsoft.com/v1.0/users?$select=displayName,mail&$top=2&$skiptoken=X2Fk\n",
            "  Grace Hopper <grace@contoso.example>\n",
        ],
    ),
    (
        "update_user",
        &[
            "PATCH /users/ada%40contoso.example\n",
            "\"jobTitle\": \"Principal Analyst\"",
            "\"mobilePhone\": null",
            "updated\n",
            "PATCH /users/ada%40contoso.example answered 404 (Request_ResourceNotFound): No such user.\n",
        ],
    ),
    (
        "create_event",
        &[
            "POST /me/events\n",
            "\"subject\": \"Quarterly review\"",
            "\"contentType\": \"text\"",
            "\"dateTime\": \"2024-03-18T09:00:00\"",
            "\"timeZone\": \"W. Europe Standard Time\"",
            "\"address\": \"carlos@contoso.example\"",
            "\"type\": \"required\"",
            "\"type\": \"optional\"",
            "created AAMkAGE0ZTQxLWRlbW8tZXZlbnQAAA=\n",
            "  carlos@contoso.example: none\n",
            "  grace@contoso.example: none\n",
        ],
    ),
    (
        "directory_objects",
        &[
            "GET /me/memberOf\n",
            "group Design team <design-team@contoso.example>\n",
            "role User Administrator\n",
            "other #microsoft.graph.administrativeUnit 0c5d9e3a-71f2-4b86-a4d8-e29b6f1c7a04\n",
        ],
    ),
    (
        "send_mail",
        &[
            "POST /me/sendMail\n",
            "\"subject\": \"Room change\"",
            "\"toRecipients\": [",
            "\"ccRecipients\": [",
            "\"address\": \"carlos@contoso.example\"",
            "\"saveToSentItems\": false",
            "accepted\n",
        ],
    ),
];

/// Whether `output` of `example` has every one of `facts`; else what is missing.
pub fn check(example: &str, facts: &[&str], output: &str) -> Result<(), String> {
    let missing: Vec<&str> = facts
        .iter()
        .copied()
        .filter(|fact| !output.contains(fact))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "example {example} did not print {missing:?}; it printed:\n{output}"
        ))
    }
}
