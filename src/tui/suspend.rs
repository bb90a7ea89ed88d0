//! Ctrl-Z and SIGTSTP: the terminal is handed back to the shell before the console stops, and
//! taken again (raw mode, alternate screen, a whole new frame) when `fg` resumes it. In raw
//! mode the terminal sends Ctrl-Z as a key, not as a signal, so the console stops itself.

use std::io;

use rustix::process::{Signal, getpgrp, getsid, kill_current_process_group};

use super::terminal::{self, Tty};

/// Whether a shell with job control started the console: such a shell gives each job a
/// process group of its own, so ours is not the session leader's. Started as the session's
/// own command (`ssh host zitadesk`), nothing could resume a stopped console and the session
/// would hang.
pub fn job_control() -> bool {
    getsid(None).is_ok_and(|session| getpgrp() != session)
}

/// Restores the terminal, stops the whole job (so a parent such as `cargo run` stops with
/// it and the shell sees the job stopped), and takes the terminal again once continued.
/// SIGSTOP rather than SIGTSTP: the console handles SIGTSTP itself (to restore the terminal
/// first), so SIGTSTP would only come back to it.
pub fn suspend(tty: &mut Tty) -> io::Result<()> {
    terminal::restore();
    let stopped = kill_current_process_group(Signal::STOP).map_err(io::Error::from);
    // Here once SIGCONT arrived (or the stop failed): the terminal is ours again either way.
    terminal::resume(tty)?;
    stopped
}
