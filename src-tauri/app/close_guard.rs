//! Closing the window with unsaved work asks first. The UI says when it has unsaved work and
//! listens on a channel; a close request while work is unsaved is held, the UI asks the user,
//! and either confirms (the window closes) or does nothing (it stays open).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use tauri::ipc::Channel;

type Closer = Box<dyn FnOnce() + Send>;

#[derive(Default)]
pub struct CloseGuard {
    unsaved: AtomicBool,
    listener: Mutex<Option<Channel<()>>>,
    held: Mutex<Option<Closer>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl CloseGuard {
    pub fn set_unsaved(&self, unsaved: bool) {
        self.unsaved.store(unsaved, Ordering::SeqCst);
    }

    pub fn listen(&self, channel: Channel<()>) {
        *lock(&self.listener) = Some(channel);
    }

    /// Called on a close request. True when the close must wait for the user: there is unsaved
    /// work and the UI was told. With no listener (or a broken one) the window closes, so a
    /// stuck UI can never make the app impossible to quit.
    pub fn hold(&self, close: Closer) -> bool {
        if !self.unsaved.load(Ordering::SeqCst) {
            return false;
        }
        let told = lock(&self.listener)
            .as_ref()
            .is_some_and(|channel| channel.send(()).is_ok());
        if told {
            *lock(&self.held) = Some(close);
        }
        told
    }

    /// The user chose to close anyway (after saving or discarding).
    pub fn confirm(&self) {
        self.unsaved.store(false, Ordering::SeqCst);
        if let Some(close) = lock(&self.held).take() {
            close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    fn counting() -> (Arc<AtomicUsize>, Closer) {
        let closed = Arc::new(AtomicUsize::new(0));
        let c = closed.clone();
        (
            closed,
            Box::new(move || {
                c.fetch_add(1, Ordering::SeqCst);
            }),
        )
    }

    fn channel() -> (Arc<AtomicUsize>, Channel<()>) {
        let asked = Arc::new(AtomicUsize::new(0));
        let a = asked.clone();
        let channel = Channel::new(move |_| {
            a.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
        (asked, channel)
    }

    #[test]
    fn without_unsaved_work_the_window_closes() {
        let guard = CloseGuard::default();
        let (_asked, ch) = channel();
        guard.listen(ch);
        let (_closed, close) = counting();
        assert!(!guard.hold(close));
    }

    #[test]
    fn unsaved_work_holds_the_close_until_confirmed() {
        let guard = CloseGuard::default();
        let (asked, ch) = channel();
        guard.listen(ch);
        guard.set_unsaved(true);
        let (closed, close) = counting();
        assert!(guard.hold(close));
        assert_eq!(asked.load(Ordering::SeqCst), 1, "the UI was asked");
        assert_eq!(
            closed.load(Ordering::SeqCst),
            0,
            "still open while the user decides"
        );
        guard.confirm();
        assert_eq!(closed.load(Ordering::SeqCst), 1);
        guard.confirm();
        assert_eq!(closed.load(Ordering::SeqCst), 1, "closes once");
    }

    #[test]
    fn with_no_listener_the_window_closes_anyway() {
        let guard = CloseGuard::default();
        guard.set_unsaved(true);
        let (_closed, close) = counting();
        assert!(!guard.hold(close));
    }
}
