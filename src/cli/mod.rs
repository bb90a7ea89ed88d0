//! The command line (clap) and the non-interactive commands.
