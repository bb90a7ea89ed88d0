//! Tokens from `zitadesk login`, one file per profile: `{state dir}/tokens/{profile}.json`.
//! The directory is 0700 and each file 0600, written whole (a private temp file, then a
//! rename), so a reader never sees half a file and no other local user can read a token.
//! A symlink in a token file's place is refused, never followed, so a planted link can neither
//! feed tokens in nor redirect a write. Stored JSON is terminal-safe (C1, bidi and invisible
//! characters `\u`-escaped, as `--json` output is), so `cat` on a token file acts on nothing.
//!
//! Several zitadesk processes share one profile's sign-in, and ZITADEL's refresh tokens work
//! once: [`TokenStore::lock_within`] takes `{profile}.lock`, an advisory lock held across
//! read → refresh → write, so one process refreshes and the others read what it stored.
//!
//! [`StoredTokens`] is the one type whose `Serialize` writes secrets, and this file is the one
//! place it is serialised to. Its `Debug` is redacted, and no error here quotes the file.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use crate::secure_fs::{self, SecureFsError};
use crate::text::display_path;

/// The longest profile name accepted as a file name.
const MAX_PROFILE_LEN: usize = 64;
/// The first pause between tries for a held lock; it doubles up to [`LOCK_RETRY_MAX`].
const LOCK_RETRY_FIRST: Duration = Duration::from_millis(5);
/// A refresh takes one round trip: waiters need not look more often than this.
const LOCK_RETRY_MAX: Duration = Duration::from_millis(100);

/// Why the store could not do what was asked. Never quotes a token file.
#[derive(Debug, thiserror::Error)]
pub enum TokenStoreError {
    /// The name as typed, sanitised.
    #[error(
        "invalid profile name {0:?}: use up to {MAX_PROFILE_LEN} letters, digits, '_', '.' or '-', not starting with '.'"
    )]
    InvalidProfile(String),
    #[error("no state directory for stored tokens (is HOME set?)")]
    NoStateDirectory,
    #[error("cannot read the stored tokens {}: {source}", display_path(.path))]
    Read { path: PathBuf, source: std::io::Error },
    /// Where the JSON broke (never what it said).
    #[error(
        "the stored tokens {} are damaged (line {line} column {column}) — run `zitadesk login --profile {profile}` again",
        display_path(.path)
    )]
    Damaged {
        path: PathBuf,
        line: usize,
        column: usize,
        profile: String,
    },
    #[error("{} has no directory", display_path(.0))]
    NoDirectory(PathBuf),
    #[error("cannot encode the tokens for profile {profile}: {reason}")]
    Encode { profile: String, reason: String },
    #[error("cannot write the stored tokens {}: {source}", display_path(.path))]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot delete the stored tokens {}: {source}", display_path(.path))]
    Delete { path: PathBuf, source: std::io::Error },
    /// A link, a FIFO, another user's file, a directory others can write — where a token or
    /// lock file belongs: refused, never followed.
    #[error(transparent)]
    File(#[from] SecureFsError),
    #[error("cannot lock {}: {source}", display_path(.path))]
    Lock { path: PathBuf, source: std::io::Error },
    /// Another process held the lock for the whole wait (stuck, or stopped with Ctrl-Z).
    #[error(
        "another zitadesk process has held {} for over {secs} s while refreshing the sign-in — try again, or end that process",
        display_path(.path)
    )]
    LockTimedOut { path: PathBuf, secs: u64 },
}

/// What `zitadesk login` stored for a profile.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredTokens {
    /// The instance that issued the tokens (no trailing slash).
    pub issuer: String,
    pub client_id: String,
    #[serde(serialize_with = "expose")]
    pub access_token: SecretString,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_option"
    )]
    pub refresh_token: Option<SecretString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// The signed-in user's ID (`sub`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The signed-in user's display name, from userinfo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

fn expose<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

fn expose_option<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(t) => s.serialize_some(t.expose_secret()),
        None => s.serialize_none(),
    }
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("subject", &self.subject)
            .field("name", &self.name)
            .finish()
    }
}

/// Where the token files live. Without a home directory there is none, and every operation
/// says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenStore {
    dir: Option<PathBuf>,
}

impl TokenStore {
    /// A store in `dir` (created 0700 on the first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        TokenStore {
            dir: Some(dir.into()),
        }
    }

    /// `{state dir}/tokens`.
    pub fn default_location() -> Self {
        TokenStore {
            dir: crate::dirs::state_dir().map(|d| d.join("tokens")),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The file of `profile` (which must be a valid profile name).
    pub fn path(&self, profile: &str) -> Result<PathBuf, TokenStoreError> {
        validate_profile(profile)?;
        let dir = self.dir.as_deref().ok_or(TokenStoreError::NoStateDirectory)?;
        Ok(dir.join(format!("{profile}.json")))
    }

    /// The profile's lock file, `{profile}.lock` beside its tokens.
    pub fn lock_path(&self, profile: &str) -> Result<PathBuf, TokenStoreError> {
        validate_profile(profile)?;
        let dir = self.dir.as_deref().ok_or(TokenStoreError::NoStateDirectory)?;
        Ok(dir.join(format!("{profile}.lock")))
    }

    /// The profile's refresh lock if no process holds it, else `None` (never waits).
    pub fn try_lock(&self, profile: &str) -> Result<Option<TokenLock>, TokenStoreError> {
        let path = self.lock_path(profile)?;
        let dir = path
            .parent()
            .ok_or_else(|| TokenStoreError::NoDirectory(path.clone()))?;
        secure_fs::ensure_private_dir(dir)?;
        let file = secure_fs::open_lock(&path)?;
        match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(TokenLock { _file: file })),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
            Err(e) => Err(TokenStoreError::Lock {
                path,
                source: e.into(),
            }),
        }
    }

    /// The profile's refresh lock, waiting at most `wait` for another process to let go. It
    /// tries again after short, growing pauses rather than blocking a thread in `flock`, so
    /// the wait is bounded and dropping the future stops it.
    pub async fn lock_within(&self, profile: &str, wait: Duration) -> Result<TokenLock, TokenStoreError> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut pause = LOCK_RETRY_FIRST;
        loop {
            if let Some(lock) = self.try_lock(profile)? {
                return Ok(lock);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(TokenStoreError::LockTimedOut {
                    path: self.lock_path(profile)?,
                    secs: wait.as_secs().max(1),
                });
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(LOCK_RETRY_MAX);
        }
    }

    /// The profile's tokens; `None` when it never signed in (or signed out).
    pub fn load(&self, profile: &str) -> Result<Option<StoredTokens>, TokenStoreError> {
        let path = self.path(profile)?;
        let read = |source| TokenStoreError::Read {
            path: path.clone(),
            source,
        };
        let Some(mut file) = secure_fs::open_read(&path)? else {
            return Ok(None);
        };
        let meta = file.metadata().map_err(read)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(read)?;
        warn_if_shared(&path, &meta);
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| TokenStoreError::Damaged {
                line: e.line(),
                column: e.column(),
                profile: profile.to_string(),
                path,
            })
    }

    /// Writes the profile's tokens: a 0600 temp file in the same directory, then a rename.
    /// A symlink in the file's place is refused (the rename would replace the link, but a
    /// link there means someone else has been at the directory: say so, change nothing).
    pub fn save(&self, profile: &str, tokens: &StoredTokens) -> Result<(), TokenStoreError> {
        let path = self.path(profile)?;
        let dir = path
            .parent()
            .ok_or_else(|| TokenStoreError::NoDirectory(path.clone()))?;
        secure_fs::ensure_private_dir(dir)?;
        secure_fs::check_file(&path)?;
        let json = serde_json::to_string_pretty(tokens).map_err(|e| TokenStoreError::Encode {
            profile: profile.to_string(),
            reason: e.to_string(),
        })?;
        // The file holds server strings (the user's name): nothing in it may act on a terminal.
        let json = crate::text::terminal_safe_json(&json);
        let temp = dir.join(format!(
            ".{profile}.json.{}.{}.tmp",
            std::process::id(),
            Timestamp::now().as_nanosecond()
        ));
        let mut file = secure_fs::create_new(&temp)?;
        let written = file
            .write_all(json.as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&temp, &path))
            .map_err(|source| TokenStoreError::Write {
                path: path.clone(),
                source,
            });
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// Deletes the profile's tokens; `false` when there were none.
    pub fn delete(&self, profile: &str) -> Result<bool, TokenStoreError> {
        let path = self.path(profile)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(TokenStoreError::Delete { path, source }),
        }
    }
}

/// A profile's refresh lock, held until dropped (closing the file releases the `flock`).
#[derive(Debug)]
pub struct TokenLock {
    _file: std::fs::File,
}

/// A profile name doubles as a file name: letters, digits, `_`, `.`, `-`; not starting with
/// a dot (no `..`, no hidden files).
pub fn validate_profile(profile: &str) -> Result<(), TokenStoreError> {
    let ok_chars = profile
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if profile.is_empty() || profile.len() > MAX_PROFILE_LEN || !ok_chars || profile.starts_with('.') {
        return Err(TokenStoreError::InvalidProfile(
            crate::text::sanitize(profile).into_owned(),
        ));
    }
    Ok(())
}

/// A token file others can read was not written by zitadesk: say so in the log.
fn warn_if_shared(path: &Path, meta: &std::fs::Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                "stored tokens are readable by other users — run `chmod 600 {}`",
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (path, meta);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> StoredTokens {
        StoredTokens {
            issuer: "https://id.example.com".into(),
            client_id: "123@helpdesk".into(),
            access_token: SecretString::from("at-secret".to_string()),
            refresh_token: Some(SecretString::from("rt-secret".to_string())),
            expires_at: Some(Timestamp::from_second(1_700_000_000).unwrap()),
            subject: Some("42".into()),
            name: Some("Ada".into()),
        }
    }

    fn temp_store(name: &str) -> (PathBuf, TokenStore) {
        let base = std::env::temp_dir().join(format!(
            "zitadesk-token-store-{name}-{}-{}",
            std::process::id(),
            Timestamp::now().as_nanosecond()
        ));
        (base.clone(), TokenStore::new(base.join("tokens")))
    }

    #[test]
    fn profile_names_cannot_leave_the_directory() {
        for bad in [
            "",
            "..",
            "../x",
            "a/b",
            ".hidden",
            "a b",
            "x\\y",
            "é",
            &"a".repeat(65),
        ] {
            assert!(validate_profile(bad).is_err(), "{bad:?}");
        }
        for good in ["default", "acme-prod", "team_1.eu", "A"] {
            assert!(validate_profile(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn save_load_delete_round_trip_with_private_modes() {
        let (base, store) = temp_store("roundtrip");
        assert!(store.load("p1").unwrap().is_none());
        store.save("p1", &tokens()).unwrap();
        let back = store.load("p1").unwrap().unwrap();
        assert_eq!(back.access_token.expose_secret(), "at-secret");
        assert_eq!(
            back.refresh_token.as_ref().map(|t| t.expose_secret().to_string()),
            Some("rt-secret".into())
        );
        assert_eq!(back.subject.as_deref(), Some("42"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&store.path("p1").unwrap()), 0o600);
            assert_eq!(mode(store.dir().unwrap()), 0o700);
        }
        // Saving again replaces the file; no temp files stay behind.
        store.save("p1", &tokens()).unwrap();
        let names: Vec<_> = std::fs::read_dir(store.dir().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("p1.json")]);
        assert!(store.delete("p1").unwrap());
        assert!(!store.delete("p1").unwrap());
        assert!(store.load("p1").unwrap().is_none());
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn debug_and_errors_never_show_tokens() {
        let dbg = format!("{:?}", tokens());
        assert!(!dbg.contains("secret"), "{dbg}");
        let (base, store) = temp_store("damaged");
        store.save("p", &tokens()).unwrap();
        let path = store.path("p").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("\"issuer\"", "\"issuer\"x")).unwrap();
        let err = store.load("p").unwrap_err().to_string();
        assert!(!err.contains("secret") && err.contains("zitadesk login"), "{err}");
        let _ = std::fs::remove_dir_all(base);
    }

    /// Two holders of one profile's lock cannot coexist, even in one process (a `flock` belongs
    /// to the open file, not the process), and dropping the guard lets the next one in.
    #[test]
    fn a_held_lock_is_refused_at_once_and_released_on_drop() {
        let (base, store) = temp_store("lock");
        let first = store.try_lock("p").unwrap().expect("free at first");
        assert!(store.try_lock("p").unwrap().is_none(), "held by `first`");
        assert!(store.try_lock("other").unwrap().is_some(), "one lock per profile");
        drop(first);
        assert!(store.try_lock("p").unwrap().is_some(), "released");
        let path = store.lock_path("p").unwrap();
        assert_eq!(path, store.dir().unwrap().join("p.lock"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{mode:o}");
        }
        let _ = std::fs::remove_dir_all(base);
    }

    /// A holder that never lets go (stuck, stopped) costs a waiter the given time, then an
    /// error that names the lock file and what to do — not a hang.
    #[tokio::test(start_paused = true)]
    async fn a_stuck_holder_ends_the_wait_with_an_error_naming_the_lock() {
        let (base, store) = temp_store("stuck");
        let _stuck = store.try_lock("p").unwrap().expect("free at first");
        let started = tokio::time::Instant::now();
        let err = store.lock_within("p", Duration::from_secs(15)).await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_secs(15));
        assert!(
            matches!(err, TokenStoreError::LockTimedOut { secs: 15, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        let lock = store.lock_path("p").unwrap();
        assert!(
            text.contains(&lock.display().to_string()) && text.contains("another zitadesk process"),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(base);
    }

    /// A lock released during the wait is taken: waiters do not sit out the whole bound.
    #[tokio::test(start_paused = true)]
    async fn a_lock_released_during_the_wait_is_taken() {
        let (base, store) = temp_store("released");
        let holder = store.try_lock("p").unwrap().expect("free at first");
        let waiter = {
            let store = store.clone();
            tokio::spawn(async move { store.lock_within("p", Duration::from_secs(15)).await })
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(holder);
        let started = tokio::time::Instant::now();
        waiter.await.unwrap().expect("taken once released");
        assert!(started.elapsed() <= LOCK_RETRY_MAX, "{:?}", started.elapsed());
        let _ = std::fs::remove_dir_all(base);
    }

    /// A file somewhere else, and a symlink to it planted where `p`'s tokens belong.
    fn planted_link(base: &Path, store: &TokenStore, file: &str) -> (PathBuf, PathBuf) {
        let target = base.join(file);
        std::fs::create_dir_all(store.dir().unwrap()).unwrap();
        let link = store.path("p").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        (link, target)
    }

    /// A symlink where a token file belongs is refused, naming the path, when loading (even
    /// if it points at well-formed tokens) and when saving; the link's target is never read
    /// into the session nor written. Before: load followed the link and used what it found.
    #[test]
    fn a_symlink_in_place_of_the_token_file_is_refused_both_ways() {
        let (base, store) = temp_store("symlink");
        let (link, target) = planted_link(&base, &store, "elsewhere.json");
        let planted = serde_json::to_string(&tokens()).unwrap();
        std::fs::write(&target, &planted).unwrap();

        let err = store.load("p").unwrap_err();
        assert!(
            matches!(&err, TokenStoreError::File(SecureFsError::Symlink { path }) if path == &link),
            "{err:?}"
        );
        assert!(
            err.to_string().contains(&link.display().to_string())
                && err.to_string().contains("symbolic link"),
            "{err}"
        );
        let err = store.save("p", &tokens()).unwrap_err();
        assert!(
            matches!(&err, TokenStoreError::File(SecureFsError::Symlink { path }) if path == &link),
            "{err:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            planted,
            "target unchanged"
        );
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        let _ = std::fs::remove_dir_all(base);
    }

    /// A dangling link is refused too: loading does not call it "not signed in", and taking
    /// the lock through a link would create its target.
    #[test]
    fn dangling_links_are_refused_and_nothing_is_created() {
        let (base, store) = temp_store("dangling");
        let (link, target) = planted_link(&base, &store, "nowhere.json");
        let err = store.load("p").unwrap_err();
        assert!(
            matches!(&err, TokenStoreError::File(SecureFsError::Symlink { path }) if path == &link),
            "{err:?}"
        );

        let lock_target = base.join("lock-target");
        let lock = store.lock_path("p").unwrap();
        std::os::unix::fs::symlink(&lock_target, &lock).unwrap();
        let err = store.try_lock("p").unwrap_err();
        assert!(
            matches!(&err, TokenStoreError::File(SecureFsError::Symlink { path }) if path == &lock),
            "{err:?}"
        );
        assert!(!target.exists() && !lock_target.exists());
        let _ = std::fs::remove_dir_all(base);
    }

    /// Not a regular file where the tokens belong: refused by name. A FIFO is refused at once
    /// (opening it to read would otherwise wait for a writer forever), a directory too.
    #[test]
    fn only_a_regular_file_is_read() {
        let (base, store) = temp_store("notafile");
        std::fs::create_dir_all(store.dir().unwrap()).unwrap();
        let fifo = store.path("p").unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        // On a thread: a regression here would block, and must fail rather than hang.
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = store.clone();
        std::thread::spawn(move || tx.send(reader.load("p").map(|_| ())));
        let err = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("load returns at once, without waiting for a writer")
            .unwrap_err();
        assert!(
            matches!(&err, TokenStoreError::File(SecureFsError::NotAFile { path }) if path == &fifo),
            "{err:?}"
        );
        std::fs::remove_file(&fifo).unwrap();
        std::fs::create_dir_all(&fifo).unwrap();
        let err = store.load("p").unwrap_err();
        assert!(
            matches!(&err, TokenStoreError::File(SecureFsError::NotAFile { .. })),
            "{err:?}"
        );
        let _ = std::fs::remove_dir_all(base);
    }

    /// The name comes from the server (userinfo): C0, C1 and bidi controls in it are stored
    /// `\u`-escaped, so showing the file (`cat`) acts on nothing, and it loads back unchanged.
    /// Before: serde_json wrote C1 (U+009B, CSI) and bidi (U+202E) characters raw.
    #[test]
    fn controls_from_the_server_are_escaped_in_the_file() {
        let (base, store) = temp_store("escaped");
        let name = "Ada\u{1b}[2J\u{9b}31m\u{202e}nimda\u{2066}\u{200b}";
        let mut t = tokens();
        t.name = Some(name.into());
        store.save("p", &t).unwrap();
        let text = std::fs::read_to_string(store.path("p").unwrap()).unwrap();
        assert!(text.is_ascii(), "{text:?}");
        for escaped in ["\\u001b", "\\u009b", "\\u202e", "\\u2066", "\\u200b"] {
            assert!(text.contains(escaped), "{escaped}: {text}");
        }
        let back = store.load("p").unwrap().unwrap();
        assert_eq!(back.name.as_deref(), Some(name));
        assert_eq!(back.access_token.expose_secret(), "at-secret");
        let _ = std::fs::remove_dir_all(base);
    }

    #[test]
    fn no_home_means_a_clear_error() {
        let store = TokenStore { dir: None };
        assert!(store.load("p").unwrap_err().to_string().contains("HOME"));
    }
}
