//! Create an event with attendees in the signed-in user's calendar.
//!
//! `POST /me/events` with the new event as its body; the answer is the event
//! as stored, with an answer status for each attendee. Offline: the answer is
//! canned.
//!
//! Run with `cargo run -p docbind-everyday --example create_event`.

use docbind_generated::graph::requests::me;
use docbind_generated::graph::{
    Attendee, AttendeeType, BodyType, DateTimeTimeZone, EmailAddress, Event, ItemBody,
};

/// The answer, shortened (the service sends many more properties).
const CREATED: &str = r#"{
    "id": "AAMkAGE0ZTQxLWRlbW8tZXZlbnQAAA=",
    "subject": "Quarterly review",
    "start": {"dateTime": "2024-03-18T09:00:00.0000000", "timeZone": "W. Europe Standard Time"},
    "attendees": [
        {"type": "required", "status": {"response": "none"},
         "emailAddress": {"address": "carlos@contoso.example", "name": "Carlos Mendes"}},
        {"type": "optional", "status": {"response": "none"},
         "emailAddress": {"address": "grace@contoso.example", "name": "Grace Hopper"}}
    ]
}"#;

fn main() -> Result<(), docbind_generated::Error> {
    let event = Event {
        subject: "Quarterly review".into(),
        body: ItemBody {
            content_type: BodyType::Text.into(),
            content: "Numbers first, then the plan for next quarter.".into(),
            ..Default::default()
        }
        .into(),
        start: berlin_time("2024-03-18T09:00:00").into(),
        end: berlin_time("2024-03-18T10:00:00").into(),
        attendees: vec![
            attendee(
                "carlos@contoso.example",
                "Carlos Mendes",
                AttendeeType::Required,
            ),
            attendee(
                "grace@contoso.example",
                "Grace Hopper",
                AttendeeType::Optional,
            ),
        ]
        .into(),
        ..Default::default()
    };
    let request = me::create_me_event(&event);
    println!("{} {}", request.method, request.path_and_query());
    if let Some(body) = request.body.as_json() {
        println!("{body:#}");
    }

    let created = request.parse_response(201, &[], CREATED.as_bytes())?;
    println!("created {}", created.id.as_deref().unwrap_or("?"));
    for attendee in created.attendees.get().into_iter().flatten() {
        let address = attendee
            .email_address
            .get()
            .and_then(|a| a.address.as_deref());
        let response = attendee.status.get().and_then(|s| s.response.get());
        println!(
            "  {}: {}",
            address.unwrap_or("?"),
            response.map_or("?", |r| r.as_str())
        );
    }
    Ok(())
}

fn berlin_time(local: &str) -> DateTimeTimeZone {
    DateTimeTimeZone {
        date_time: local.into(),
        time_zone: "W. Europe Standard Time".into(),
        ..Default::default()
    }
}

fn attendee(address: &str, name: &str, kind: AttendeeType) -> Attendee {
    Attendee {
        email_address: EmailAddress {
            address: address.into(),
            name: name.into(),
            ..Default::default()
        }
        .into(),
        type_: kind.into(),
        ..Default::default()
    }
}
