//! Panics stopped where they must not unwind: in a callback from C (unwinding into FFmpeg's
//! frames aborts the process) and on the crate's worker threads (a worker that unwinds
//! strands its streams). The application's code runs in both, and a panic there carries a
//! payload of its choosing, whose own `Drop` may panic again; so may any value of the
//! application's that is dropped there.

use std::any::Any;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A panic caught by [`catch`]: its message, where its payload was text.
#[derive(Debug)]
pub(crate) struct CaughtPanic {
    pub message: Option<String>,
}

/// Runs `body`, stopping a panic. The panic's payload is dropped here, contained.
pub(crate) fn catch<R>(body: impl FnOnce() -> R) -> Result<R, CaughtPanic> {
    catch_unwind(AssertUnwindSafe(body)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        drop_payload(payload);
        CaughtPanic { message }
    })
}

/// Runs `body`, or answers `on_panic` if it panics.
pub(crate) fn contain<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    catch(body).unwrap_or(on_panic)
}

/// Drops a caught panic's payload. A payload whose `Drop` panics leaves the payload of that
/// panic, whose `Drop` may panic in turn: a few are dropped one after the other, behind
/// `catch_unwind`, and the one after them is leaked rather than chased for ever.
fn drop_payload(mut payload: Box<dyn Any + Send>) {
    for _ in 0..8 {
        match catch_unwind(AssertUnwindSafe(move || drop(payload))) {
            Ok(()) => return,
            Err(next) => payload = next,
        }
    }
    std::mem::forget(payload);
}

/// A value of the application's (a sink, say) whose `Drop` runs contained, wherever the
/// value is dropped: a panic there is stopped, its payload dropped as [`catch`] drops one.
pub(crate) struct DropContained<T>(ManuallyDrop<T>);

impl<T> DropContained<T> {
    pub(crate) fn new(value: T) -> DropContained<T> {
        DropContained(ManuallyDrop::new(value))
    }
}

impl<T> Deref for DropContained<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for DropContained<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> Drop for DropContained<T> {
    fn drop(&mut self) {
        let value = &mut self.0;
        // SAFETY: the value is dropped once, here, and this wrapper is never used again; if
        // its `Drop` panics, the value counts as dropped (as a panicking `drop` leaves any).
        let _ = catch(|| unsafe { ManuallyDrop::drop(value) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct PanicsWhenDropped(Arc<AtomicUsize>);

    impl Drop for PanicsWhenDropped {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
            panic!("dropped");
        }
    }

    #[test]
    fn a_caught_panic_keeps_its_text() {
        let message = |body: fn()| catch(body).unwrap_err().message;
        assert_eq!(message(|| panic!("static")).as_deref(), Some("static"));
        assert_eq!(
            message(|| panic!("formatted {}", 1)).as_deref(),
            Some("formatted 1")
        );
        assert_eq!(message(|| std::panic::panic_any(42)), None);
        assert_eq!(catch(|| 7).unwrap(), 7);
        assert_eq!(contain(0, || panic!("no")), 0);
    }

    #[test]
    fn payloads_and_values_that_panic_when_dropped_are_contained() {
        let drops = Arc::new(AtomicUsize::new(0));
        let payload = PanicsWhenDropped(Arc::clone(&drops));
        let caught = catch(move || std::panic::panic_any(payload));
        assert!(caught.unwrap_err().message.is_none());
        assert_eq!(drops.load(Ordering::SeqCst), 1);

        drop(DropContained::new(PanicsWhenDropped(Arc::clone(&drops))));
        assert_eq!(drops.load(Ordering::SeqCst), 2);
    }

    /// Panics when dropped with a payload that does the same, `left` times more.
    struct Chain(usize, Arc<AtomicUsize>);

    impl Drop for Chain {
        fn drop(&mut self) {
            self.1.fetch_add(1, Ordering::SeqCst);
            if self.0 > 0 {
                std::panic::panic_any(Chain(self.0 - 1, Arc::clone(&self.1)));
            }
        }
    }

    #[test]
    fn payloads_panicking_in_a_chain_are_dropped_a_few_times_then_leaked() {
        let drops = Arc::new(AtomicUsize::new(0));
        let short = Chain(3, Arc::clone(&drops));
        assert!(catch(move || std::panic::panic_any(short)).is_err());
        assert_eq!(drops.load(Ordering::SeqCst), 4, "the chain's end dropped");

        let drops = Arc::new(AtomicUsize::new(0));
        let endless = Chain(usize::MAX, Arc::clone(&drops));
        assert!(catch(move || std::panic::panic_any(endless)).is_err());
        assert_eq!(drops.load(Ordering::SeqCst), 8, "then leaked");
    }
}
