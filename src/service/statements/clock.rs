//! The `stored` clock and `X-Experience-API-Consistent-Through`.
//!
//! `stored` comes from this clock, with millisecond precision (the precision it is rendered
//! with), never going backwards within a process. While a write is in flight its `stored` value
//! is registered here: Consistent-Through (Communication 2.1.3) is the oldest in-flight
//! `stored` (minus one millisecond), or now when nothing is in flight, so every statement
//! stored at or before it is visible to queries, at least among the writes of this process.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, DurationRound, Utc};

#[derive(Default)]
struct Inner {
    last: Option<DateTime<Utc>>,
    in_flight: BTreeMap<DateTime<Utc>, usize>,
}

#[derive(Clone, Default)]
pub struct StoredClock {
    inner: Arc<Mutex<Inner>>,
}

/// A `stored` value, registered as in flight until dropped (after commit or failure).
pub struct StoredTicket {
    pub stored: DateTime<Utc>,
    clock: StoredClock,
}

impl Drop for StoredTicket {
    fn drop(&mut self) {
        let mut inner = self.clock.lock();
        if let Some(count) = inner.in_flight.get_mut(&self.stored) {
            *count -= 1;
            if *count == 0 {
                inner.in_flight.remove(&self.stored);
            }
        }
    }
}

fn now_ms() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(Duration::milliseconds(1)).unwrap_or(now)
}

impl StoredClock {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map stays consistent even if a holder panicked: every update is one call.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The `stored` instant for a write starting now.
    pub fn ticket(&self) -> StoredTicket {
        let mut inner = self.lock();
        let mut stored = now_ms();
        if let Some(last) = inner.last
            && stored < last
        {
            stored = last;
        }
        inner.last = Some(stored);
        *inner.in_flight.entry(stored).or_insert(0) += 1;
        StoredTicket {
            stored,
            clock: self.clone(),
        }
    }

    /// Every statement stored at or before this instant is visible.
    pub fn consistent_through(&self) -> DateTime<Utc> {
        let inner = self.lock();
        match inner.in_flight.keys().next() {
            Some(oldest) => *oldest - Duration::milliseconds(1),
            None => now_ms(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_never_goes_backwards_and_has_millisecond_precision() {
        let clock = StoredClock::default();
        let a = clock.ticket();
        let b = clock.ticket();
        assert!(b.stored >= a.stored);
        assert_eq!(a.stored.timestamp_subsec_nanos() % 1_000_000, 0);
    }

    #[test]
    fn consistent_through_stays_before_an_in_flight_write() {
        let clock = StoredClock::default();
        let ticket = clock.ticket();
        assert!(clock.consistent_through() < ticket.stored);
        let stored = ticket.stored;
        drop(ticket);
        assert!(clock.consistent_through() >= stored);
    }
}
