//! What `scripts/dist.sh` leaves: the static binary runs with no library at all, and the
//! Debian package holds what it promises. Building them takes minutes (fat LTO), so this
//! checks the files the script made and is skipped, saying so, where it has not been run
//! (as in CI). The files the package is made of are generated and checked in
//! `src/cli/manual.rs`'s unit tests, which always run.

use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "x86_64-unknown-linux-musl";

/// The target directory this test was built in (`…/target/debug/zitadesk` → `…/target`).
fn target_dir() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_zitadesk"));
    bin.parent().and_then(Path::parent).unwrap().to_path_buf()
}

fn static_binary() -> Option<PathBuf> {
    let bin = target_dir().join(TARGET).join("dist").join("zitadesk");
    if bin.is_file() {
        Some(bin)
    } else {
        eprintln!("skipped: {} is missing (run scripts/dist.sh)", bin.display());
        None
    }
}

/// The newest .deb cargo-deb wrote (into target/debian/, or under the target's own directory
/// in other cargo-deb versions).
fn package() -> Option<PathBuf> {
    let dirs = [
        target_dir().join("debian"),
        target_dir().join(TARGET).join("debian"),
    ];
    let deb = dirs
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    if deb.is_none() {
        eprintln!("skipped: no .deb in {} (run scripts/dist.sh)", dirs[0].display());
    }
    deb
}

fn run(program: &str, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let out = Command::new(program).args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zitadesk-dist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn version_line_ok(line: &str) {
    let expected = format!("zitadesk {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&expected), "--version said {line:?}");
    assert!(line.trim_end().ends_with(')'), "{line:?}");
}

#[test]
fn the_static_binary_links_no_library_and_runs_where_there_is_none() {
    let Some(bin) = static_binary() else { return };
    let (_, file) = run("file", &["-b".as_ref(), bin.as_os_str()]);
    assert!(
        file.contains("statically linked") || file.contains("static-pie linked"),
        "file: {file}"
    );
    assert!(
        !file.contains("interpreter"),
        "file names a dynamic loader: {file}"
    );
    // ldd exits 1 for a file it cannot load dynamically; what counts is that it names nothing.
    let (_, ldd) = run("ldd", &[bin.as_os_str()]);
    assert!(
        ldd.contains("not a dynamic executable") || ldd.contains("statically linked"),
        "ldd: {ldd}"
    );
    assert!(!ldd.contains(".so"), "ldd names a library: {ldd}");

    let (ok, version) = run(bin.to_str().unwrap(), &["--version".as_ref()]);
    assert!(ok, "{version}");
    version_line_ok(&version);

    // The strongest check: a root holding nothing but the binary — no libc, no loader, no
    // /etc. Needs root for chroot; elsewhere the file and ldd checks above stand alone.
    if !rustix::process::geteuid().is_root() {
        eprintln!("chroot check skipped: not root");
        return;
    }
    let root = scratch("chroot");
    std::fs::copy(&bin, root.join("zitadesk")).unwrap();
    let out = Command::new("chroot")
        .arg(&root)
        .args(["/zitadesk", "--version"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    std::fs::remove_dir_all(&root).unwrap();
    assert!(out.status.success(), "in an empty root: {said}{err}");
    version_line_ok(&said);
}

#[test]
fn the_package_installs_the_binary_man_pages_completions_licence_and_example() {
    let Some(deb) = package() else { return };
    let (ok, listing) = run("dpkg-deb", &["-c".as_ref(), deb.as_os_str()]);
    assert!(ok, "{listing}");
    for path in [
        "./usr/bin/zitadesk",
        "./usr/share/man/man1/zitadesk.1.gz",
        "./usr/share/man/man1/zitadesk-users-resend-email.1.gz",
        "./usr/share/bash-completion/completions/zitadesk",
        "./usr/share/zsh/vendor-completions/_zitadesk",
        "./usr/share/fish/vendor_completions.d/zitadesk.fish",
        "./usr/share/doc/zitadesk/copyright",
        "./usr/share/doc/zitadesk/config.example.toml",
    ] {
        assert!(
            listing.lines().any(|l| l.ends_with(&format!(" {path}"))),
            "{path} not in the package:\n{listing}"
        );
    }
    let (_, depends) = run("dpkg-deb", &["-f".as_ref(), deb.as_os_str(), "Depends".as_ref()]);
    assert_eq!(depends.trim(), "", "a static binary depends on nothing");

    let root = scratch("deb");
    let (ok, said) = run("dpkg-deb", &["-x".as_ref(), deb.as_os_str(), root.as_os_str()]);
    assert!(ok, "{said}");
    let (ok, version) = run(
        root.join("usr/bin/zitadesk").to_str().unwrap(),
        &["--version".as_ref()],
    );
    assert!(ok, "{version}");
    version_line_ok(&version);
    let (ok, man) = run(
        "zcat",
        &[root.join("usr/share/man/man1/zitadesk.1.gz").as_os_str()],
    );
    assert!(
        ok && man.lines().any(|l| l.starts_with(".TH zitadesk 1 ")),
        "{man}"
    );
    assert!(man.contains("zitadesk\\-users(1)"), "{man}");
    let bash = std::fs::read_to_string(root.join("usr/share/bash-completion/completions/zitadesk")).unwrap();
    assert!(bash.contains("complete -F _zitadesk"), "{bash}");
    let copyright = std::fs::read_to_string(root.join("usr/share/doc/zitadesk/copyright")).unwrap();
    assert!(copyright.contains("License: Apache-2.0"), "{copyright}");
    let example = std::fs::read_to_string(root.join("usr/share/doc/zitadesk/config.example.toml")).unwrap();
    assert_eq!(example, zitadesk::config::EXAMPLE);
    std::fs::remove_dir_all(&root).unwrap();
}

/// Always runs: `--version` names the commit the binary was built from, as git sees it now
/// (with `-dirty` while tracked files differ from it), or `unknown` outside a checkout.
#[test]
fn version_names_the_version_and_the_commit() {
    let (ok, line) = run(env!("CARGO_BIN_EXE_zitadesk"), &["--version".as_ref()]);
    assert!(ok, "{line}");
    version_line_ok(&line);
    let commit = line
        .trim_end()
        .rsplit("(commit ")
        .next()
        .unwrap()
        .trim_end_matches(')');
    let head = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match head {
        Ok(out) if out.status.success() && std::env::var_os("ZITADESK_BUILD_COMMIT").is_none() => {
            let head = String::from_utf8_lossy(&out.stdout).trim().to_string();
            assert!(
                commit == head || commit == format!("{head}-dirty"),
                "--version names {commit}, HEAD is {head}"
            );
        }
        _ => assert!(!commit.is_empty(), "{line}"),
    }
}
