//! Text from outside — a partner's channel name or user id, a line of a file — shown in a
//! log line or an error message: control characters (newline, ESC, ...) are escaped so
//! the text cannot forge log lines or drive a terminal, and only a bounded prefix is
//! shown, with a count of what was left out.

use std::fmt;

/// How much of an echoed value is shown: an object name, a user id, a keyword.
pub const VALUE_LIMIT: usize = 64;
/// How much of a whole reason line is shown in a log.
pub const LINE_LIMIT: usize = 1024;

/// A bounded, escaped view of untrusted text, for `Display`.
#[derive(Clone, Copy, Debug)]
pub struct Excerpt<'a> {
    text: &'a str,
    limit: usize,
}

impl<'a> Excerpt<'a> {
    /// An echoed value: at most [`VALUE_LIMIT`] characters.
    pub fn value(text: &'a str) -> Self {
        Self { text, limit: VALUE_LIMIT }
    }

    /// A reason line for a log: at most [`LINE_LIMIT`] characters.
    pub fn line(text: &'a str) -> Self {
        Self { text, limit: LINE_LIMIT }
    }
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = 0;
        for c in self.text.chars().take(self.limit) {
            shown += 1;
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        let rest = self.text.chars().count() - shown;
        if rest > 0 {
            write!(f, "... ({rest} more characters)")?;
        }
        Ok(())
    }
}

/// Whether `text` holds a control character (which an identifier never may).
pub fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_long_text_is_cut() {
        let forged = "app\n2026-12-03T10:00:00Z  INFO channel started\u{1b}[31m";
        let shown = Excerpt::line(forged).to_string();
        assert!(!shown.contains('\n') && !shown.contains('\u{1b}'), "{shown}");
        assert_eq!(shown, "app\\n2026-12-03T10:00:00Z  INFO channel started\\u{1b}[31m");
        let long = "A".repeat(50_000_000);
        let shown = Excerpt::value(&long).to_string();
        assert_eq!(shown, format!("{}... (49999936 more characters)", "A".repeat(64)));
        assert_eq!(Excerpt::value("QM1").to_string(), "QM1");
        assert!(has_control("a\u{7f}") && !has_control("CN=app1,O=x"));
    }
}
