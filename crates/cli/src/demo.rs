//! `mqtls demo`: the example configuration, loaded into an in-memory queue manager.

use mqtls_model::Store;
use mqtls_mqsc::script;

use crate::mqsc::now;

/// The demo configuration, embedded so the demo needs no files.
const DEMO_MQSC: &str = include_str!("../../../mqsc/demo-qm1.mqsc");

pub(crate) fn run() -> anyhow::Result<u8> {
    let stamp = now();
    let mut store = Store::new("QM1", stamp.clone())?;
    println!("mqtls demo: loading mqsc/demo-qm1.mqsc into an in-memory queue manager QM1.");
    println!("(TLS listeners and channel traffic arrive with the queue-manager runtime.)\n");
    let entries = script::run(DEMO_MQSC, &mut store, &stamp);
    print!("{}", script::report(DEMO_MQSC, &entries, true));
    Ok(script::exit_code(&entries) as u8)
}
