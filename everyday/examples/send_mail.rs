//! Send a mail message on behalf of the signed-in user.
//!
//! `POST /me/sendMail` with the message and whether to keep a copy in Sent
//! Items. The service answers `202 Accepted` without a body. Offline: nothing
//! is sent.
//!
//! Run with `cargo run -p docbind-everyday --example send_mail`.

use docbind_generated::graph::requests::me;
use docbind_generated::graph::{
    AnyMessage, AnyRecipient, BodyType, EmailAddress, ItemBody, Message, Recipient,
    UserSendmailRequestBody,
};

fn main() -> Result<(), docbind_generated::Error> {
    let message = Message {
        subject: "Room change".into(),
        body: ItemBody {
            content_type: BodyType::Text.into(),
            content: "The quarterly review moves to room 4.12.".into(),
            ..Default::default()
        }
        .into(),
        to_recipients: vec![recipient("carlos@contoso.example")].into(),
        cc_recipients: vec![recipient("grace@contoso.example")].into(),
        ..Default::default()
    };
    let body = UserSendmailRequestBody {
        message: AnyMessage::Message(message).into(),
        save_to_sent_items: false.into(),
        ..Default::default()
    };
    let request = me::me_send_mail(&body);
    println!("{} {}", request.method, request.path_and_query());
    if let Some(body) = request.body.as_json() {
        println!("{body:#}");
    }

    request.parse_response(202, &[], b"")?;
    println!("accepted");
    Ok(())
}

/// Message recipients may be of derived types (attendees), so a plain one is
/// the `Recipient` variant.
fn recipient(address: &str) -> AnyRecipient {
    AnyRecipient::Recipient(Recipient {
        email_address: EmailAddress {
            address: address.into(),
            ..Default::default()
        }
        .into(),
        ..Default::default()
    })
}
