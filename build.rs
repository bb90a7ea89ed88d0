//! Names the git commit the binary is built from, for `zitadesk --version`: `ZITADESK_COMMIT`
//! is the short hash, with `-dirty` when tracked files differed from it, or `unknown` outside
//! a git checkout (a source tarball, no git installed, a checkout git refuses to read). A
//! build from a tarball can say which commit it is with `ZITADESK_BUILD_COMMIT=1a2b3c4`.
//!
//! Rerun only when the commit or the built sources can have changed — not on every `git add`
//! or `git status` (both rewrite the index): each rerun recompiles the crate.

use std::path::Path;
use std::process::Command;

const OVERRIDE: &str = "ZITADESK_BUILD_COMMIT";

fn main() {
    println!("cargo:rerun-if-env-changed={OVERRIDE}");
    for built in ["build.rs", "Cargo.toml", "Cargo.lock", "src", "assets"] {
        println!("cargo:rerun-if-changed={built}");
    }
    let commit = match std::env::var(OVERRIDE) {
        Ok(given) if !given.trim().is_empty() => printable(given.trim()),
        _ => from_git().unwrap_or_else(|| "unknown".to_string()),
    };
    println!("cargo:rustc-env=ZITADESK_COMMIT={commit}");
}

/// The short hash of HEAD, `-dirty` if tracked files differ from it; `None` if git cannot say.
fn from_git() -> Option<String> {
    let hash = git(&["rev-parse", "--short=10", "HEAD"])?;
    if hash.is_empty() || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    // HEAD names the branch; the branch's ref (loose or packed) moves on each commit.
    for file in ["HEAD", "packed-refs"] {
        watch_git_path(file);
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch_git_path(&branch);
    }
    let status = git(&["status", "--porcelain", "--untracked-files=no"])?;
    Some(if status.is_empty() {
        hash
    } else {
        format!("{hash}-dirty")
    })
}

/// A file under the git directory (a worktree's own or the common one, as git resolves it),
/// watched only if it exists: a missing path would rerun this script on every build.
fn watch_git_path(name: &str) {
    if let Some(path) = git(&["rev-parse", "--git-path", name])
        && Path::new(&path).exists()
    {
        println!("cargo:rerun-if-changed={path}");
    }
}

/// git's trimmed stdout, `None` when git is missing or fails (not a checkout, unsafe owner).
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok().map(|s| s.trim().to_string())
}

/// The override as given, cut to what a version line can show: no control characters, at
/// most 40 characters (a full hash).
fn printable(given: &str) -> String {
    given.chars().filter(|c| !c.is_control()).take(40).collect()
}
