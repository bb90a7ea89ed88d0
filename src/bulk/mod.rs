//! Many users at once: a code-issuing request to every user a search finds — planned,
//! paced, journaled, resumable, at most one code per user across interruptions.
//!
//! * [`plan`] — who gets a request, who is set aside and why (pure);
//! * [`pace`] — the token bucket that spaces requests and slows down on 429/503 (pure);
//! * [`journal`] — the before/after record on disk that makes a re-run safe;
//! * [`run`] — the async runner: plan + pacing + journal + cancel → events and a report.
//!
//! Nothing here draws or prints: the CLI (`cli::bulk`) and, later, the console drive it.

pub mod journal;
pub mod pace;
pub mod plan;
pub mod run;

pub use journal::{Entry, JobHeader, Journal, JournalError};
pub use pace::{DEFAULT_RATE, Pacing};
pub use plan::{Plan, PlanBuilder, Skip, Target};
pub use run::{BulkRequest, Event, Progress, Report, Status, Stop, UserResult, run};
