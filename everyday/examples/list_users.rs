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
    // `select` is typed: the page of `list_users` lists `$select` (the v1.0
    // page does not list `$top`, so it is added as a plain query parameter).
    let mut request = users::list_users()
        .select(&["displayName", "mail"])
        .query("$top", "2");
    let mut answers = PAGES.into_iter();
    loop {
        println!("{} {}", request.method, request.path_and_query());
        // A real program sends the request here and reads the status and body.
        let body = answers.next().expect("one canned answer per request");
        let page = request.parse_response(200, &[], body.as_bytes())?;
        for user in &page.value {
            let name = user.display_name.as_deref().unwrap_or("(no name)");
            let mail = user.mail.as_deref().unwrap_or("no mail");
            println!("  {name} <{mail}>");
        }
        // A GET of the nextLink, which holds the query; `None` on the last page.
        let Some(next) = request.next_page(&page) else {
            break;
        };
        request = next;
    }
    Ok(())
}
