//! The README quickstart (`examples/quickstart.rs`) runs unchanged against the emulator,
//! configured only through TELNYX_BASE_URL and TELNYX_API_KEY.

#[allow(dead_code)]
#[path = "../../examples/quickstart.rs"]
mod example;

use crate::common::start;

#[allow(unsafe_code)] // set_var below: the crate denies unsafe code everywhere else.
#[tokio::test]
async fn quickstart_runs_against_the_emulator() {
    let h = start().await;
    // SAFETY: this is the only test in the binary that reads or writes these variables.
    unsafe {
        std::env::set_var("TELNYX_BASE_URL", h.emulator.base_url());
        std::env::set_var("TELNYX_API_KEY", "KEYquickstart");
    }
    example::run().await.expect("quickstart succeeds");
}
