//! Commands that act on what runs — START / STOP CHANNEL and LISTENER, CLEAR QLOCAL,
//! REFRESH SECURITY — as a queue manager answers them (`messages`, shared with the
//! running queue manager's admin path), and as an in-memory store does: the objects are
//! checked, nothing is started, and the answer says so.

use mqtls_model::{ModelError, ObjectType, Store};

use crate::command::{Command, Control, ControlTarget};
use crate::error::MqscError;

/// The queue manager's answers (runmqsc's message lines).
pub mod messages {
    /// REFRESH SECURITY.
    pub const SECURITY_REFRESHED: &str = "AMQ8560I: IBM MQ security cache refreshed.";
    /// START CHANNEL.
    pub const CHANNEL_START_ACCEPTED: &str = "AMQ8018I: Start WebSphere MQ channel accepted.";
    /// STOP CHANNEL.
    pub const CHANNEL_STOP_ACCEPTED: &str = "AMQ8019I: Stop WebSphere MQ channel accepted.";
    /// STOP LISTENER.
    pub const LISTENER_STOP_ACCEPTED: &str = "AMQ8706I: Request to stop listener accepted.";

    /// START LISTENER, with the address bound when there is one.
    pub fn listener_started(address: Option<&str>) -> String {
        match address {
            Some(a) => format!("AMQ8021I: Request to start listener accepted ({a})."),
            None => "AMQ8021I: Request to start listener accepted.".to_owned(),
        }
    }

    /// CLEAR QLOCAL, with the number of messages removed.
    pub fn queue_cleared(messages: usize) -> String {
        format!("AMQ8022I: IBM MQ queue cleared ({messages} messages).")
    }
}

/// What an in-memory store adds to an accepted runtime command.
const NOTHING_RUNS: &str = "mqtls: in memory: the definitions were checked; nothing runs here.";

/// A runtime command against the in-memory `store` (see [`crate::Live::in_memory`]):
/// `None` for commands that are not runtime commands or that an in-memory store cannot
/// answer (RESET, RESOLVE, PING CHANNEL, which need a partner).
pub(crate) fn in_memory(store: &Store, cmd: &Command) -> Option<Result<Vec<String>, MqscError>> {
    let accepted = |line: String| Ok(vec![line, NOTHING_RUNS.to_owned()]);
    Some(match cmd {
        Command::RefreshSecurity(_) => accepted(messages::SECURITY_REFRESHED.to_owned()),
        Command::ClearQlocal { name } => match store.get(ObjectType::Qlocal, name) {
            Some(_) => Ok(vec![messages::queue_cleared(0)]),
            None => Err(not_found(ObjectType::Qlocal, name)),
        },
        Command::Start(c) | Command::Stop(c) => control(store, cmd, c).and_then(accepted),
        Command::StopConn { conn } => {
            let why =
                format!("no connection CONN({conn}): no application connects to an in-memory queue manager");
            Err(MqscError::Failed { command: cmd.to_string(), why })
        }
        _ => return None,
    })
}

fn control(store: &Store, cmd: &Command, c: &Control) -> Result<String, MqscError> {
    let start = matches!(cmd, Command::Start(_));
    let otype = match c.target {
        ControlTarget::Channel => ObjectType::Channel,
        ControlTarget::Listener => ObjectType::Listener,
        ControlTarget::Service => return Err(service_not_provided(cmd)),
    };
    if store.get(otype, &c.name).is_none() {
        if otype == ObjectType::Channel && store.client_channel(&c.name).is_some() {
            let why = format!(
                "CHANNEL({}) is a CLNTCONN: a client starts it by connecting, not START or STOP CHANNEL",
                c.name
            );
            return Err(MqscError::Failed { command: cmd.to_string(), why });
        }
        return Err(not_found(otype, &c.name));
    }
    Ok(match (c.target, start) {
        (ControlTarget::Channel, true) => messages::CHANNEL_START_ACCEPTED.to_owned(),
        (ControlTarget::Channel, false) => messages::CHANNEL_STOP_ACCEPTED.to_owned(),
        (ControlTarget::Listener, true) => messages::listener_started(None),
        (ControlTarget::Listener, false) => messages::LISTENER_STOP_ACCEPTED.to_owned(),
        (ControlTarget::Service, _) => return Err(service_not_provided(cmd)),
    })
}

/// START and STOP SERVICE, in memory and on a running queue manager alike.
pub(crate) fn service_not_provided(cmd: &Command) -> MqscError {
    let command = cmd.to_string().split('(').next().unwrap_or_default().to_owned();
    MqscError::NotProvided { command, why: "mqtls runs no service programs; SERVICE objects are stored only" }
}

fn not_found(object: ObjectType, name: &str) -> MqscError {
    MqscError::Model(ModelError::NotFound { object, name: name.to_owned() })
}
