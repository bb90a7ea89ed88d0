#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

fn main() -> std::process::ExitCode {
    // Before anything holds a secret. Failing to lower a limit leaves the system's default:
    // worth saying, not worth refusing to start over.
    if let Err(e) = zitadesk::process_limits::forbid_core_dumps() {
        eprintln!("zitadesk: warning: core dumps could not be switched off: {e}");
    }
    zitadesk::cli::main()
}
