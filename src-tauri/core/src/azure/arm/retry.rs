//! When to try an ARM request again: 429 (throttled) and 503 (unavailable), after the wait ARM
//! asks for (`net::retry_after`), within a bounded number of retries and a bounded total wait.

use std::time::Duration;

/// How hard to retry. Tests use small values; the defaults suit a person waiting on a picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The most the client sleeps across all retries of one request. A `Retry-After` that
    /// would go beyond it ends the retries at once (there is no point waiting part of it).
    pub max_total_wait: Duration,
    /// The wait before the first retry when ARM gives no `Retry-After`; doubled each retry.
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            max_total_wait: Duration::from_secs(60),
            backoff: Duration::from_secs(1),
        }
    }
}

/// Statuses worth another try: ARM throttling, and a service that says it is unavailable.
pub(super) fn is_retryable(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// The wait before retry number `retry` (1-based) when ARM names none: `backoff`, doubled.
pub(super) fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    policy
        .backoff
        .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_policy() {
        let policy = RetryPolicy {
            backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        };
        assert_eq!(backoff(&policy, 1), Duration::from_millis(10));
        assert_eq!(backoff(&policy, 3), Duration::from_millis(40));
        assert!(is_retryable(429) && is_retryable(503));
        assert!(!is_retryable(500) && !is_retryable(409));
    }
}
