//! The MQSC language.
#![forbid(unsafe_code)]

pub mod command;
pub mod convert;
mod dump;
mod error;
mod exec;
#[doc(hidden)]
pub mod fuzzing;
pub mod keywords;
mod layout;
pub mod lines;
mod live_display;
pub mod parser;
mod printer;
mod runtime;
pub mod script;
pub mod syntax;
mod where_filter;

pub use dump::dump;
pub use error::{Diagnostic, MqscError};
pub use exec::{execute, execute_live, Live, NO_CHSTATUS};
pub use layout::layout;
pub use live_display::{ConnRow, Items};
pub use runtime::messages;
pub use where_filter::items_match;
