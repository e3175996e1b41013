//! Entry points for the fuzz targets in `fuzz/` and for replaying their corpora in
//! ordinary tests. Not part of the public API.

use crate::script;

/// Parses arbitrary bytes as an MQSC script; every command that is valid must print as
/// canonical MQSC that parses back to the same command. Panics on any divergence.
pub fn parse_print_reparse(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    for entry in script::verify(&src) {
        let Some(cmd) = entry.command else { continue };
        let printed = cmd.to_string();
        let again = script::verify(&printed);
        assert_eq!(again.len(), 1, "canonical text split into several commands: {printed}");
        assert_eq!(again[0].command.as_ref(), Some(&cmd), "round trip changed the command: {printed}");
        assert_eq!(
            again[0].command.as_ref().map(ToString::to_string),
            Some(printed),
            "printing is not stable"
        );
    }
}
