//! List users with `$select`, one page at a time.
//!
//! `GET /users?$select=displayName,mail&$top=2`, then a GET of each page's
//! `@odata.nextLink` until a page has none. Offline: the answers are canned.
//!
//! Run with `cargo run -p docbind-everyday --example list_users`.

use docbind_generated::graph::requests::users;

/// Two pages as the service sends them; a real program gets each over HTTP.
const PAGES: [&str; 2] = [
    r#"{
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$select=displayName,mail&$top=2&$skiptoken=X2Fk",
        "value": [
            {"displayName": "Ada Lovelace", "mail": "ada@contoso.example"},
            {"displayName": "Carlos Mendes", "mail": null}
        ]
    }"#,
    r#"{"value": [{"displayName": "Grace Hopper", "mail": "grace@contoso.example"}]}"#,
];

fn main() -> Result<(), docbind_generated::Error> {
    let mut request = users::list_users()
        .query("$select", "displayName,mail")
        .query("$top", "2");
    for answer in PAGES {
        println!("{} {}", request.method, request.path_and_query());
        let page = request.parse_response(200, answer.as_bytes())?;
        for user in &page.value {
            let name = user.display_name.as_deref().unwrap_or("(no name)");
            let mail = user.mail.as_deref().unwrap_or("no mail");
            println!("  {name} <{mail}>");
        }
        // The next page's request repeats no query: the link holds it.
        match request.next_page(&page) {
            Some(next) => request = next,
            None => break,
        }
    }
    Ok(())
}
