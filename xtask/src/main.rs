//! Developer entry point (`cargo xtask ...`); filled in by the codegen commit.
fn main() {}
