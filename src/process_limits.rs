//! Protections for the whole process, set before anything else runs.

use rustix::process::{Resource, Rlimit, setrlimit};

/// A core dump would carry whatever is in memory — tokens, a returned code — into a file on a
/// shared host: the core-file size limit goes to 0, hard and soft, so none is ever written.
pub fn forbid_core_dumps() -> std::io::Result<()> {
    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    setrlimit(Resource::Core, none).map_err(std::io::Error::from)
}
