//! Read a list that mixes kinds of directory objects and match on each kind.
//!
//! `GET /me/memberOf` answers with groups and directory roles in one list;
//! each item is read as the variant its `@odata.type` names. An object of a
//! kind the crate does not know (here an administrative unit) is read as the
//! base `DirectoryObject`, with its `@odata.type` kept. Offline: the answer is
//! canned.
//!
//! Run with `cargo run -p docbind-everyday --example directory_objects`.

use docbind_generated::graph::requests::me;
use docbind_generated::graph::AnyDirectoryObject;

const MEMBER_OF: &str = r##"{
    "value": [
        {"@odata.type": "#microsoft.graph.group", "id": "3f2b8c1e-9d47-4a60-b5e2-7c1d0a9f4e68",
         "displayName": "Design team", "mail": "design-team@contoso.example"},
        {"@odata.type": "#microsoft.graph.directoryRole", "id": "b71e04d2-5a3c-4f89-9e16-d2c8a07b3f51",
         "displayName": "User Administrator"},
        {"@odata.type": "#microsoft.graph.administrativeUnit", "id": "0c5d9e3a-71f2-4b86-a4d8-e29b6f1c7a04",
         "displayName": "Lisbon office"}
    ]
}"##;

fn main() -> Result<(), docbind_generated::Error> {
    let request = me::list_me_member_of();
    println!("{} {}", request.method, request.path_and_query());

    let page = request.parse_response(200, &[], MEMBER_OF.as_bytes())?;
    for object in &page.value {
        match object {
            AnyDirectoryObject::Group(group) => println!(
                "group {} <{}>",
                group.display_name.as_deref().unwrap_or("?"),
                group.mail.as_deref().unwrap_or("no mail")
            ),
            AnyDirectoryObject::DirectoryRole(role) => {
                println!("role {}", role.display_name.as_deref().unwrap_or("?"))
            }
            AnyDirectoryObject::DirectoryObject(other) => println!(
                "other {} {}",
                other.odata_type.as_deref().unwrap_or("?"),
                other.id.as_deref().unwrap_or("?")
            ),
            // Kinds memberOf does not list (users, devices), and those a later
            // crate may add: `AnyDirectoryObject` is non-exhaustive.
            _ => println!("another kind of directory object"),
        }
    }
    Ok(())
}
