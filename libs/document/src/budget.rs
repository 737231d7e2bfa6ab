//! The work budget of one parse. The PDF and DOCX readers charge every unit of work they do
//! (content operators or XML events, XObject invocations, bytes inflated, objects loaded, pages)
//! and look at the clock and a cancellation flag as they go, so a hostile file ends in
//! [`DocumentError::TooComplex`] instead of running for minutes or growing without bound, and a
//! deadline stops the work itself rather than only the wait for it.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::DocumentError;

/// How much work one parse may do. The defaults leave every document of the corpus and the
/// real-world set far inside them (see ADR 0018 for the figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// PDF content-stream operators executed, form XObjects included; DOCX XML events.
    pub operators: u64,
    /// XObject invocations (`Do`) in total, however deep.
    pub xobjects: u64,
    /// Bytes produced by decompression: PDF content and font map streams, DOCX parts.
    pub inflated_bytes: u64,
    /// Objects of a PDF (each one parsed and resolvable).
    pub objects: u64,
    /// Pages in a PDF's page tree.
    pub pages: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            operators: 2_000_000,
            xobjects: 10_000,
            inflated_bytes: 32 * 1024 * 1024,
            objects: 200_000,
            pages: 1_000,
        }
    }
}

/// The work a parse did so far, in the units of [`Limits`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub operators: u64,
    pub xobjects: u64,
    pub inflated_bytes: u64,
    pub objects: u64,
    pub pages: u64,
}

impl Usage {
    /// The larger figure of each kind (for the maximum over a set of documents).
    pub fn max(self, other: Usage) -> Usage {
        Usage {
            operators: self.operators.max(other.operators),
            xobjects: self.xobjects.max(other.xobjects),
            inflated_bytes: self.inflated_bytes.max(other.inflated_bytes),
            objects: self.objects.max(other.objects),
            pages: self.pages.max(other.pages),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    Operators,
    XObjects,
    InflatedBytes,
    Objects,
    Pages,
}

impl Work {
    fn describe(self, limit: u64) -> String {
        match self {
            Work::Operators => format!("more than {limit} drawing operations"),
            Work::XObjects => format!("more than {limit} embedded drawings"),
            Work::InflatedBytes => format!("more than {} MB once decompressed", limit / (1024 * 1024)),
            Work::Objects => format!("more than {limit} objects"),
            Work::Pages => format!("more than {limit} pages"),
        }
    }
}

/// How often (in operators) the clock and the cancellation flag are read: often enough that a
/// deadline stops the work within milliseconds, rarely enough to cost nothing.
const CHECK_EVERY: u64 = 1024;

/// One parse's budget: the limits, what was used, and when to stop regardless. Charged through
/// a shared reference from anywhere in a reader (hence the cells); it lives on the parsing
/// thread. Once exceeded it stays exceeded, so a place that cannot return the error (a font map
/// read while building a font) leaves it for the next place that can.
pub struct Budget {
    limits: Limits,
    used: Cell<Usage>,
    deadline: Option<Instant>,
    cancelled: Option<Arc<AtomicBool>>,
    exceeded: Cell<Option<DocumentError>>,
}

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budget").field("limits", &self.limits).field("used", &self.usage()).finish()
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(Limits::default())
    }
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget { limits, used: Cell::default(), deadline: None, cancelled: None, exceeded: Cell::new(None) }
    }

    /// The work stops at this instant.
    pub fn with_deadline(mut self, deadline: Instant) -> Budget {
        self.deadline = Some(deadline);
        self
    }

    /// The work stops once another thread sets this flag (a caller that stopped waiting).
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> Budget {
        self.cancelled = Some(flag);
        self
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn usage(&self) -> Usage {
        self.used.get()
    }

    /// Records `amount` units of `work`; past the limit the parse is too complex.
    pub(crate) fn charge(&self, work: Work, amount: u64) -> Result<(), DocumentError> {
        self.check()?;
        let mut used = self.used.get();
        let (counter, limit) = match work {
            Work::Operators => (&mut used.operators, self.limits.operators),
            Work::XObjects => (&mut used.xobjects, self.limits.xobjects),
            Work::InflatedBytes => (&mut used.inflated_bytes, self.limits.inflated_bytes),
            Work::Objects => (&mut used.objects, self.limits.objects),
            Work::Pages => (&mut used.pages, self.limits.pages),
        };
        let before = *counter;
        *counter = before.saturating_add(amount);
        let over = *counter > limit;
        let check_clock = work == Work::Operators && before / CHECK_EVERY != *counter / CHECK_EVERY;
        self.used.set(used);
        if over {
            return Err(self.fail(DocumentError::TooComplex(work.describe(limit))));
        }
        if check_clock || work != Work::Operators {
            self.check_clock()?;
        }
        Ok(())
    }

    /// Bytes that may still be inflated, for a decompressor's output cap.
    pub(crate) fn bytes_left(&self) -> usize {
        let left = self.limits.inflated_bytes.saturating_sub(self.used.get().inflated_bytes);
        usize::try_from(left).unwrap_or(usize::MAX)
    }

    /// Marks the inflation budget as spent by a stream that would not fit in it.
    pub(crate) fn inflation_exceeded(&self) -> DocumentError {
        self.fail(DocumentError::TooComplex(Work::InflatedBytes.describe(self.limits.inflated_bytes)))
    }

    /// The error of an earlier charge that went over, if any.
    pub(crate) fn check(&self) -> Result<(), DocumentError> {
        let exceeded = self.exceeded.take();
        self.exceeded.set(exceeded.clone());
        exceeded.map_or(Ok(()), Err)
    }

    fn check_clock(&self) -> Result<(), DocumentError> {
        let late = self.deadline.is_some_and(|d| Instant::now() >= d);
        let cancelled = self.cancelled.as_ref().is_some_and(|f| f.load(Ordering::Relaxed));
        if late || cancelled {
            return Err(self.fail(DocumentError::TooComplex("it takes longer to read than allowed".into())));
        }
        Ok(())
    }

    fn fail(&self, error: DocumentError) -> DocumentError {
        self.exceeded.set(Some(error.clone()));
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_charge_past_the_limit_fails_and_stays_failed() {
        let budget = Budget::new(Limits { pages: 2, ..Limits::default() });
        assert!(budget.charge(Work::Pages, 2).is_ok());
        assert!(matches!(budget.charge(Work::Pages, 1), Err(DocumentError::TooComplex(_))));
        assert!(matches!(budget.charge(Work::Operators, 1), Err(DocumentError::TooComplex(_))));
        assert_eq!(budget.usage().pages, 3);
    }

    #[test]
    fn a_cancelled_budget_stops_within_one_check_interval() {
        let flag = Arc::new(AtomicBool::new(false));
        let budget = Budget::default().with_cancel(flag.clone());
        for _ in 0..CHECK_EVERY {
            budget.charge(Work::Operators, 1).expect("within budget");
        }
        flag.store(true, Ordering::Relaxed);
        let stopped = (0..=CHECK_EVERY).find(|_| budget.charge(Work::Operators, 1).is_err());
        assert!(stopped.is_some(), "cancellation was never noticed");
        assert!(budget.usage().operators <= 2 * CHECK_EVERY + 1);
    }

    #[test]
    fn a_past_deadline_stops_the_next_charge_of_pages() {
        let budget = Budget::default().with_deadline(Instant::now());
        assert!(matches!(budget.charge(Work::Pages, 1), Err(DocumentError::TooComplex(_))));
    }
}
