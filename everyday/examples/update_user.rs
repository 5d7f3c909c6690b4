//! Update a user: set one property, clear another with `null`.
//!
//! `PATCH /users/{id | userPrincipalName}` sends only the fields that are not
//! `Field::Absent`, so `..Default::default()` leaves every other property as it
//! is, and `Field::Null` clears one. Offline: the answer is canned.
//!
//! Run with `cargo run -p docbind-everyday --example update_user`.

use docbind_generated::graph::requests::users;
use docbind_generated::graph::User;
use docbind_generated::Field;

fn main() -> Result<(), docbind_generated::Error> {
    let changes = User {
        job_title: "Principal Analyst".into(),
        mobile_phone: Field::Null,
        ..Default::default()
    };
    // The user principal name works as the key; it is encoded as one segment.
    let request = users::update_user("ada@contoso.example", &changes);
    println!("{} {}", request.method, request.path_and_query());
    if let Some(body) = request.body.as_json() {
        println!("{body:#}");
    }

    // The service answers `204 No Content`: nothing to read but the status.
    request.parse_response(204, &[], b"")?;
    println!("updated");

    // A failure is an `Error::Service` with the request, the status and the
    // service's code and message (and request-id and date, when it sends them).
    let missing = br#"{"error": {"code": "Request_ResourceNotFound", "message": "No such user."}}"#;
    if let Err(e) = request.parse_response(404, &[], missing) {
        println!("{e}");
    }
    Ok(())
}
