//! Node.js binding of the `telnyx-reputation` facade.
