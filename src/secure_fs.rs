//! Opening the files zitadesk keeps — the audit trail, logs, stored tokens, the config file it
//! writes — so that nobody else on the machine can subvert them.
//!
//! * A file is never opened through a symbolic link (`O_NOFOLLOW`): a link planted at
//!   `audit.jsonl` would otherwise make zitadesk append to, or truncate, whatever it points at.
//! * A file zitadesk writes is created 0600, must belong to this user, and one found wider is
//!   tightened to 0600.
//! * A directory zitadesk keeps files in must belong to this user (or root), and group and
//!   others must not be able to write to it: whoever can write a directory can swap the files
//!   in it. Directories zitadesk creates are 0700.
//!
//! Every error names the path (sanitised: see [`crate::text::display_path`]) and what to do.
//! Outside Unix the checks are skipped and files are opened plainly.
//!
//! The calls, by use: a directory to keep files in — [`ensure_private_dir`] (creates 0700, or
//! refuses one others can write); a file appended to — [`open_append`]; a file written whole —
//! [`create_new`] for a temporary file that is then renamed over the real one (a rename
//! replaces a link, never writes through it), or [`open_truncate`]; reading — [`open_read`];
//! refusing up front, before an action whose record could not be written — [`check_file`] and
//! [`check_private_dir`]. JSON written to such a file goes through
//! [`crate::text::terminal_safe_json`] first.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::text::display_path;

/// Why a file or directory was refused or could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SecureFsError {
    #[error(
        "refusing {}: it is a symbolic link, and zitadesk never follows one to its own files — remove the link",
        display_path(.path)
    )]
    Symlink { path: PathBuf },
    #[error("refusing {}: it is not a regular file", display_path(.path))]
    NotAFile { path: PathBuf },
    #[error(
        "refusing {}: group or others can write to this directory (mode {mode:03o}) — run `{}`",
        display_path(.path),
        chmod_fix(.path)
    )]
    Writable { path: PathBuf, mode: u32 },
    #[error(
        "refusing {}: it belongs to another user (uid {owner}) — remove it, or choose a directory of your own",
        display_path(.path)
    )]
    ForeignOwner { path: PathBuf, owner: u32 },
    #[error("cannot {action} {}: {source}", display_path(.path))]
    Io {
        /// "create", "open", "check", "make private".
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl SecureFsError {
    /// The file or directory concerned.
    pub fn path(&self) -> &Path {
        match self {
            SecureFsError::Symlink { path }
            | SecureFsError::NotAFile { path }
            | SecureFsError::Writable { path, .. }
            | SecureFsError::ForeignOwner { path, .. }
            | SecureFsError::Io { path, .. } => path,
        }
    }

    /// Whether this is a refusal to trust what is on disk (rather than a failure to use it).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, SecureFsError::Io { .. })
    }

    /// The command that fixes it, when there is one (a loose directory).
    pub fn fix(&self) -> Option<String> {
        match self {
            SecureFsError::Writable { path, .. } => Some(chmod_fix(path)),
            _ => None,
        }
    }
}

/// `chmod 700 PATH`, the path quoted for a shell when it needs to be, and sanitised.
fn chmod_fix(path: &Path) -> String {
    let raw = path.to_string_lossy();
    let bare = !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c));
    let quoted = if bare {
        raw.into_owned()
    } else {
        format!("'{}'", raw.replace('\'', r"'\''"))
    };
    crate::text::sanitize(&format!("chmod 700 {quoted}")).into_owned()
}

/// Checks a directory zitadesk reads or writes files in: it must belong to this user (or root)
/// and must not be writable by group or others. A directory that does not exist is fine.
pub fn check_private_dir(dir: &Path) -> Result<(), SecureFsError> {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(SecureFsError::Io {
                action: "check",
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    check_dir_meta(dir, &meta)
}

#[cfg(unix)]
fn check_dir_meta(dir: &Path, meta: &std::fs::Metadata) -> Result<(), SecureFsError> {
    use std::os::unix::fs::MetadataExt;
    if !meta.is_dir() {
        return Err(SecureFsError::Io {
            action: "use",
            path: dir.to_path_buf(),
            source: io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    check_owner(dir, meta.uid(), true)?;
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(SecureFsError::Writable {
            path: dir.to_path_buf(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_dir_meta(_dir: &Path, _meta: &std::fs::Metadata) -> Result<(), SecureFsError> {
    Ok(())
}

/// This user's, or (for a directory, such as `/etc/zitadesk`) root's.
#[cfg(unix)]
fn check_owner(path: &Path, owner: u32, root_may_own: bool) -> Result<(), SecureFsError> {
    let me = rustix::process::geteuid().as_raw();
    if owner == me || (root_may_own && owner == 0) {
        Ok(())
    } else {
        Err(SecureFsError::ForeignOwner {
            path: path.to_path_buf(),
            owner,
        })
    }
}

/// Creates `dir` (and missing parents) 0700, or checks the one that exists
/// ([`check_private_dir`]); an existing one group or others may read is tightened to 0700.
pub fn ensure_private_dir(dir: &Path) -> Result<(), SecureFsError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| SecureFsError::Io {
        action: "create",
        path: dir.to_path_buf(),
        source,
    })?;
    check_private_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)
            .map_err(|source| SecureFsError::Io {
                action: "check",
                path: dir.to_path_buf(),
                source,
            })?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|source| {
                SecureFsError::Io {
                    action: "make private",
                    path: dir.to_path_buf(),
                    source,
                }
            })?;
        }
    }
    Ok(())
}

/// Checks, before anything is done that should end in writing `path`, that what is there (if
/// anything) is a regular file of this user's and not a link: so an action is refused up front
/// rather than done and then left unrecorded. Opening with [`open_append`] checks again.
pub fn check_file(path: &Path) -> Result<(), SecureFsError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(SecureFsError::Io {
                action: "check",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if meta.file_type().is_symlink() {
        return Err(SecureFsError::Symlink {
            path: path.to_path_buf(),
        });
    }
    if !meta.is_file() {
        return Err(SecureFsError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        check_owner(path, meta.uid(), false)?;
    }
    Ok(())
}

/// Opens `path` for appending, creating it 0600 (the audit trail, a log file).
pub fn open_append(path: &Path) -> Result<File, SecureFsError> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    open_for_writing(path, options)
}

/// Opens `path` for writing from scratch, creating it 0600 or truncating it (a file rewritten
/// whole, such as the config file of `config init --force`).
pub fn open_truncate(path: &Path) -> Result<File, SecureFsError> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(false);
    // Emptied only once it is known to be ours: O_TRUNC would cut another user's file first.
    let file = open_for_writing(path, options)?;
    file.set_len(0).map_err(|source| SecureFsError::Io {
        action: "empty",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(file)
}

/// Creates `path` 0600; fails when anything (a file, a link) is already there. For a temporary
/// file that is then renamed over the real one.
pub fn create_new(path: &Path) -> Result<File, SecureFsError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    open_for_writing(path, options)
}

/// Opens (creating it 0600, never emptying it) a file used only for its `flock`: the token
/// refresh lock.
pub fn open_lock(path: &Path) -> Result<File, SecureFsError> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    open_for_writing(path, options)
}

/// Opens `path` for reading without following a link; `None` when there is no such file.
pub fn open_read(path: &Path) -> Result<Option<File>, SecureFsError> {
    let mut options = OpenOptions::new();
    options.read(true);
    // A FIFO planted here would block the open until someone writes to it: open without
    // waiting, and the type check below refuses it. (No effect on a regular file.)
    match open_no_follow(path, &mut options, Blocking::No) {
        Ok(file) => {
            let meta = file.metadata().map_err(|source| SecureFsError::Io {
                action: "check",
                path: path.to_path_buf(),
                source,
            })?;
            if !meta.is_file() {
                return Err(SecureFsError::NotAFile {
                    path: path.to_path_buf(),
                });
            }
            Ok(Some(file))
        }
        Err(SecureFsError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn open_for_writing(path: &Path, mut options: OpenOptions) -> Result<File, SecureFsError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = open_no_follow(path, &mut options, Blocking::Yes)?;
    let check = |source| SecureFsError::Io {
        action: "check",
        path: path.to_path_buf(),
        source,
    };
    let meta = file.metadata().map_err(check)?;
    if !meta.is_file() {
        return Err(SecureFsError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // A file someone else created here (before the directory was ours) is theirs to read.
        check_owner(path, meta.uid(), false)?;
        if meta.mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|source| SecureFsError::Io {
                    action: "make private",
                    path: path.to_path_buf(),
                    source,
                })?;
        }
    }
    Ok(file)
}

/// Whether an open may wait (on a FIFO, say).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blocking {
    Yes,
    No,
}

/// Opens with `O_NOFOLLOW` (and `O_CLOEXEC`): a link at `path` is refused by the kernel, so
/// no one can swap one in between a check and the open.
fn open_no_follow(path: &Path, options: &mut OpenOptions, blocking: Blocking) -> Result<File, SecureFsError> {
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = OFlags::NOFOLLOW | OFlags::CLOEXEC;
        if blocking == Blocking::No {
            flags |= OFlags::NONBLOCK;
        }
        options.custom_flags(flags.bits() as i32);
    }
    #[cfg(not(unix))]
    let _ = blocking;
    options.open(path).map_err(|source| {
        // ELOOP on Linux, EMLINK on the BSDs, EEXIST for create_new: ask the file system what
        // is there rather than decode each kernel's errno.
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            SecureFsError::Symlink {
                path: path.to_path_buf(),
            }
        } else {
            SecureFsError::Io {
                action: "open",
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::fs::PermissionsExt;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zitadesk-secure-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        ensure_private_dir(&dir).unwrap();
        dir
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// A link planted where a file of ours goes is refused by every opener, and its target
    /// stays untouched.
    #[test]
    fn a_symlink_is_never_followed() {
        let dir = scratch("link");
        let target = dir.join("elsewhere");
        std::fs::write(&target, "precious\n").unwrap();
        let link = dir.join("audit.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for result in [open_append(&link), open_truncate(&link), create_new(&link)] {
            let e = result.unwrap_err();
            assert!(matches!(e, SecureFsError::Symlink { .. }), "{e:?}");
            assert!(e.to_string().contains(&display_path(&link)), "{e}");
        }
        assert!(matches!(open_read(&link), Err(SecureFsError::Symlink { .. })));
        assert!(matches!(check_file(&link), Err(SecureFsError::Symlink { .. })));
        check_file(&target).unwrap();
        check_file(&dir.join("missing")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Files are created 0600 and a wider one is tightened; directories 0700.
    #[test]
    fn files_are_private_and_wide_ones_are_tightened() {
        let dir = scratch("modes");
        assert_eq!(mode(&dir), 0o700);
        let path = dir.join("f");
        open_append(&path).unwrap().write_all(b"a").unwrap();
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_append(&path).unwrap().write_all(b"b").unwrap();
        assert_eq!(mode(&path), 0o600);
        let mut back = String::new();
        open_read(&path)
            .unwrap()
            .unwrap()
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, "ab");
        assert!(open_read(&dir.join("missing")).unwrap().is_none());
        open_truncate(&path).unwrap().write_all(b"c").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "c");
        assert!(matches!(create_new(&path), Err(SecureFsError::Io { .. })));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A directory group or others can write is refused with the `chmod` that fixes it; one
    /// they may only read is tightened when zitadesk keeps files in it.
    #[test]
    fn a_loose_directory_is_refused_with_the_fix() {
        let dir = scratch("loose");
        let state = dir.join("it's here");
        std::fs::create_dir(&state).unwrap();
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o775)).unwrap();
        let e = check_private_dir(&state).unwrap_err();
        assert!(matches!(e, SecureFsError::Writable { mode: 0o775, .. }), "{e:?}");
        let fix = format!("chmod 700 '{}/it'\\''s here'", dir.display());
        assert_eq!(e.fix().as_deref(), Some(fix.as_str()));
        assert!(e.to_string().contains(&fix), "{e}");
        assert!(
            ensure_private_dir(&state).is_err(),
            "never loosened or silently fixed"
        );
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&state).unwrap();
        assert_eq!(mode(&state), 0o700);
        check_private_dir(&dir.join("missing")).unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// An ESC or a newline in a path is shown, not acted on.
    #[test]
    fn paths_in_errors_are_sanitised() {
        let e = SecureFsError::Writable {
            path: PathBuf::from("/tmp/x\u{1b}[2J\ny"),
            mode: 0o777,
        };
        let text = e.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(text.contains("/tmp/x␛[2J␊y"), "{text}");
    }
}
