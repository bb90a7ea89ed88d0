//! Pacing for a bulk run: a token bucket at the requested rate that halves on every 429 or
//! 503 (and pauses with a doubling back-off), then climbs back to the requested rate after a
//! run of successes. Pure: every method takes "now", so tests drive it with a made-up clock
//! and no sleeps; the runner turns the answer of [`Pacer::wait`] into a sleep.

use std::time::{Duration, Instant};

/// Requests per second when the caller did not say.
pub const DEFAULT_RATE: f64 = 5.0;
/// The slowest a run is throttled down to.
const MIN_RATE: f64 = 0.2;
/// The first pause after a 429/503; doubled per throttle in a row, at most [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Successes in a row before the rate climbs one step (a tenth of the target) again.
const CALM_STREAK: u32 = 10;

/// How fast a run may go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pacing {
    /// Requests per second (> 0).
    pub rate: f64,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing { rate: DEFAULT_RATE }
    }
}

/// The bucket. Holds at most one token: requests are spread evenly, never bursted.
#[derive(Debug, Clone)]
pub struct Pacer {
    target: f64,
    rate: f64,
    tokens: f64,
    last: Instant,
    hold_until: Option<Instant>,
    backoff: Duration,
    streak: u32,
}

impl Pacer {
    /// A full bucket: the first request may go at once.
    pub fn new(pacing: Pacing, now: Instant) -> Pacer {
        let target = if pacing.rate.is_finite() && pacing.rate > 0.0 {
            pacing.rate
        } else {
            DEFAULT_RATE
        };
        Pacer {
            target,
            rate: target,
            tokens: 1.0,
            last: now,
            hold_until: None,
            backoff: FIRST_BACKOFF,
            streak: 0,
        }
    }

    /// How long to wait before the next request. `Duration::ZERO` means "go now" and takes
    /// the token; any other answer takes nothing (ask again after that long).
    pub fn wait(&mut self, now: Instant) -> Duration {
        self.refill(now);
        if let Some(until) = self.hold_until {
            if until > now {
                return until - now;
            }
            self.hold_until = None;
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Duration::ZERO;
        }
        Duration::from_secs_f64((1.0 - self.tokens) / self.rate)
    }

    /// ZITADEL (or a proxy) said 429 or 503: halve the rate and pause.
    pub fn throttled(&mut self, now: Instant) {
        self.refill(now);
        self.rate = (self.rate / 2.0).max(MIN_RATE.min(self.target));
        self.tokens = 0.0;
        self.hold_until = Some(now + self.backoff);
        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
        self.streak = 0;
    }

    /// A request was answered without throttling: after a streak, climb back a step.
    pub fn answered(&mut self) {
        self.backoff = FIRST_BACKOFF;
        self.streak += 1;
        if self.streak >= CALM_STREAK && self.rate < self.target {
            self.rate = (self.rate + self.target / 10.0).min(self.target);
            self.streak = 0;
        }
    }

    /// The rate in force now (requests per second).
    pub fn rate(&self) -> f64 {
        self.rate
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(1.0);
        self.last = self.last.max(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Drives the pacer like the runner does; returns the send times (ms after t0).
    fn sends(p: &mut Pacer, t0: Instant, n: usize) -> Vec<u128> {
        let mut now = t0;
        let mut out = Vec::new();
        while out.len() < n {
            let w = p.wait(now);
            if w.is_zero() {
                out.push((now - t0).as_millis());
            } else {
                now += w;
            }
        }
        out
    }

    #[test]
    fn spreads_requests_at_the_rate_first_one_at_once() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing { rate: 5.0 }, t0);
        assert_eq!(sends(&mut p, t0, 4), [0, 200, 400, 600]);
    }

    #[test]
    fn an_idle_spell_does_not_save_up_a_burst() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing { rate: 10.0 }, t0);
        assert_eq!(p.wait(t0), Duration::ZERO);
        let later = t0 + Duration::from_secs(60);
        assert_eq!(p.wait(later), Duration::ZERO);
        assert_eq!(p.wait(later), ms(100));
    }

    #[test]
    fn a_throttle_halves_the_rate_and_pauses_with_a_doubling_backoff() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing { rate: 8.0 }, t0);
        assert_eq!(p.wait(t0), Duration::ZERO);
        p.throttled(t0);
        assert_eq!(p.rate(), 4.0);
        assert_eq!(p.wait(t0), ms(1000));
        // After the pause the bucket has refilled at the lower rate.
        assert_eq!(p.wait(t0 + ms(1000)), Duration::ZERO);
        assert_eq!(p.wait(t0 + ms(1000)), ms(250));
        p.throttled(t0 + ms(1000));
        assert_eq!(p.rate(), 2.0);
        assert_eq!(p.wait(t0 + ms(1000)), ms(2000));
    }

    #[test]
    fn the_rate_never_drops_below_the_floor_and_the_pause_is_capped() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing { rate: 1.0 }, t0);
        for _ in 0..20 {
            p.throttled(t0);
        }
        assert_eq!(p.rate(), MIN_RATE);
        assert_eq!(p.wait(t0), MAX_BACKOFF);
    }

    #[test]
    fn successes_climb_back_to_the_target_and_reset_the_backoff() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Pacing { rate: 10.0 }, t0);
        p.throttled(t0);
        p.throttled(t0);
        assert_eq!(p.rate(), 2.5);
        for _ in 0..CALM_STREAK {
            p.answered();
        }
        assert_eq!(p.rate(), 3.5);
        for _ in 0..(CALM_STREAK * 20) {
            p.answered();
        }
        assert_eq!(p.rate(), 10.0);
        p.throttled(t0 + Duration::from_secs(100));
        assert_eq!(p.wait(t0 + Duration::from_secs(100)), FIRST_BACKOFF);
    }

    #[test]
    fn a_nonsense_rate_falls_back_to_the_default() {
        let t0 = Instant::now();
        assert_eq!(Pacer::new(Pacing { rate: 0.0 }, t0).rate(), DEFAULT_RATE);
        assert_eq!(Pacer::new(Pacing { rate: f64::NAN }, t0).rate(), DEFAULT_RATE);
    }
}
