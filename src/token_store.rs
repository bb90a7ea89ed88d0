//! Tokens from `zitadesk login`, one file per profile: `{state dir}/tokens/{profile}.json`.
//! The directory is 0700 and each file 0600, written whole (a private temp file, then a
//! rename), so a reader never sees half a file and no other local user can read a token.
//!
//! [`StoredTokens`] is the one type whose `Serialize` writes secrets, and this file is the one
//! place it is serialised to. Its `Debug` is redacted, and no error here quotes the file.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

/// The longest profile name accepted as a file name.
const MAX_PROFILE_LEN: usize = 64;

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
    #[error("cannot read the stored tokens {}: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// Where the JSON broke (never what it said).
    #[error(
        "the stored tokens {} are damaged (line {line} column {column}) — run `zitadesk login --profile {profile}` again",
        .path.display()
    )]
    Damaged {
        path: PathBuf,
        line: usize,
        column: usize,
        profile: String,
    },
    #[error("{} has no directory", .0.display())]
    NoDirectory(PathBuf),
    #[error("cannot create {}: {source}", .dir.display())]
    CreateDirectory { dir: PathBuf, source: std::io::Error },
    #[error("cannot encode the tokens for profile {profile}: {reason}")]
    Encode { profile: String, reason: String },
    #[error("cannot write the stored tokens {}: {source}", .path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot delete the stored tokens {}: {source}", .path.display())]
    Delete { path: PathBuf, source: std::io::Error },
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

    /// The profile's tokens; `None` when it never signed in (or signed out).
    pub fn load(&self, profile: &str) -> Result<Option<StoredTokens>, TokenStoreError> {
        let path = self.path(profile)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(TokenStoreError::Read { path, source }),
        };
        warn_if_shared(&path);
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
    pub fn save(&self, profile: &str, tokens: &StoredTokens) -> Result<(), TokenStoreError> {
        let path = self.path(profile)?;
        let dir = path
            .parent()
            .ok_or_else(|| TokenStoreError::NoDirectory(path.clone()))?;
        create_private_dir(dir).map_err(|source| TokenStoreError::CreateDirectory {
            dir: dir.to_path_buf(),
            source,
        })?;
        let json = serde_json::to_vec_pretty(tokens).map_err(|e| TokenStoreError::Encode {
            profile: profile.to_string(),
            reason: e.to_string(),
        })?;
        let temp = dir.join(format!(
            ".{profile}.json.{}.{}.tmp",
            std::process::id(),
            Timestamp::now().as_nanosecond()
        ));
        let written = write_private(&temp, &json)
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

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    // An older or hand-made directory may be wider: the tokens directory is ours alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// A token file others can read was not written by zitadesk: say so in the log.
fn warn_if_shared(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                path = %path.display(),
                "stored tokens are readable by other users — run `chmod 600 {}`",
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
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

    #[test]
    fn no_home_means_a_clear_error() {
        let store = TokenStore { dir: None };
        assert!(store.load("p").unwrap_err().to_string().contains("HOME"));
    }
}
