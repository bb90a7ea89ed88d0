#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

fn main() -> std::process::ExitCode {
    zitadesk::cli::main()
}
