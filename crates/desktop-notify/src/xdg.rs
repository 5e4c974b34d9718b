//! The client side of the Desktop Notifications Specification
//! (org.freedesktop.Notifications, version 1.2) over the session bus.

use std::collections::HashMap;

use zbus::blocking::{Connection, MessageIterator};
use zbus::message::Type;
use zbus::zvariant::Value;
use zbus::{MatchRule, Message};

use crate::{Notice, NotifyError, Outcome, Urgency};

const SERVICE: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
/// The action a click on the notification itself invokes.
const DEFAULT_ACTION: &str = "default";
/// Signals that arrive before this thread reads them are kept, up to this many.
const QUEUED_SIGNALS: usize = 64;
/// The server's default expiry.
const DEFAULT_TIMEOUT: i32 = -1;

pub(crate) fn show(
    notice: &Notice,
    on_outcome: impl FnOnce(Outcome) + Send + 'static,
) -> Result<(), NotifyError> {
    let bus = |error: zbus::Error| NotifyError::Bus(error.to_string());
    let service = |error: zbus::Error| NotifyError::Service(error.to_string());
    let connection = Connection::session().map_err(bus)?;
    let capabilities: Vec<String> = connection
        .call_method(Some(SERVICE), PATH, Some(SERVICE), "GetCapabilities", &())
        .map_err(service)?
        .body()
        .deserialize()
        .map_err(service)?;
    if !capabilities.iter().any(|c| c == "actions") {
        return Err(NotifyError::NoActions);
    }
    // Subscribed before the notification exists: a server may answer a click before the
    // reply that tells us the notification's id has been read.
    let rule = MatchRule::builder()
        .msg_type(Type::Signal)
        .interface(SERVICE)
        .and_then(|rule| rule.path(PATH))
        .map_err(bus)?
        .build();
    let signals =
        MessageIterator::for_match_rule(rule, &connection, Some(QUEUED_SIGNALS)).map_err(bus)?;

    let urgency: u8 = match notice.urgency {
        Urgency::Normal => 1,
        Urgency::Critical => 2,
    };
    let mut hints: HashMap<&str, Value<'_>> = HashMap::from([("urgency", Value::U8(urgency))]);
    if let Some(entry) = &notice.desktop_entry {
        hints.insert("desktop-entry", Value::from(entry.as_str()));
    }
    let reply = connection
        .call_method(
            Some(SERVICE),
            PATH,
            Some(SERVICE),
            "Notify",
            &(
                notice.app_name.as_str(),
                0_u32,
                "",
                notice.title.as_str(),
                notice.body.as_str(),
                vec![DEFAULT_ACTION, notice.action_label.as_str()],
                hints,
                DEFAULT_TIMEOUT,
            ),
        )
        .map_err(service)?;
    let id: u32 = reply.body().deserialize().map_err(service)?;

    std::thread::Builder::new()
        .name(format!("notification-{id}"))
        .spawn(move || {
            // The connection lives as long as the wait: some servers drop the actions of a
            // client that has gone.
            let _connection = connection;
            on_outcome(wait_for_outcome(signals, id));
        })
        .map_err(|error| NotifyError::Bus(format!("no thread to wait on: {error}")))?;
    Ok(())
}

/// The first `ActionInvoked` or `NotificationClosed` for `id`. A bus that goes away counts as
/// closed: nothing can be clicked any more.
fn wait_for_outcome(signals: MessageIterator, id: u32) -> Outcome {
    for message in signals {
        let Ok(message) = message else { break };
        if let Some(outcome) = outcome_of(&message, id) {
            return outcome;
        }
    }
    tracing::debug!(id, "the session bus closed before the notification did");
    Outcome::Closed
}

fn outcome_of(message: &Message, id: u32) -> Option<Outcome> {
    let header = message.header();
    match header.member()?.as_str() {
        "ActionInvoked" => {
            let (nid, action): (u32, String) = message.body().deserialize().ok()?;
            // Other actions (none are offered today) are not a click on this notification.
            (nid == id && action == DEFAULT_ACTION).then_some(Outcome::Clicked)
        }
        "NotificationClosed" => {
            let (nid, _reason): (u32, u32) = message.body().deserialize().ok()?;
            (nid == id).then_some(Outcome::Closed)
        }
        _ => None,
    }
}
