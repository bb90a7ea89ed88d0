fn main() -> std::process::ExitCode {
    zitadesk::cli::main()
}
