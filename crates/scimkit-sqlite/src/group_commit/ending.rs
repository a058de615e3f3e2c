//! How a batch ends when its writers cannot end it themselves: [`Ending`] (the end of a
//! batch, done when dropped, wherever that happens), [`Held`] (the writers' lock, which ends
//! a batch no writer is left to commit as it is let go), and [`Orphan`] (a batch handed to a
//! task, ended when the task is dropped unrun).

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use tokio::sync::OwnedMutexGuard;

use super::{Batch, Inner, State};

/// The end of a batch, done when dropped: wherever it is dropped (after running on the
/// blocking pool, or unrun because the runtime shut down), the batch is committed or
/// rolled back, its `after` work runs, its outcome is published, and then the writers'
/// lock is let go. A batch is never left open on the connection with no one to end it.
pub(super) struct Ending {
    pub(super) inner: Arc<Inner>,
    pub(super) batch: Arc<Batch>,
    pub(super) failure: Option<String>,
    pub(super) state: Option<Held>,
    pub(super) done: bool,
}

impl Drop for Ending {
    fn drop(&mut self) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        let outcome = self.inner.finish(self.failure.take());
        let after = std::mem::take(
            &mut *self
                .batch
                .after
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for after in after {
            after();
        }
        self.batch.outcome.send_replace(Some(outcome));
        self.state.take();
    }
}

/// Ends batch `id` if it is still the open one, holding the writers' lock (`state`) until it
/// is done: on the blocking pool of `runtime`, else on this thread. (An end queued on the
/// pool and dropped unrun runs as it is dropped.)
pub(super) fn end_orphan(
    inner: &Arc<Inner>,
    mut state: Held,
    id: u64,
    runtime: Option<&tokio::runtime::Handle>,
) {
    let Some(batch) = state.open.take_if(|open| open.id == id) else {
        return;
    };
    let ending = Ending {
        inner: inner.clone(),
        batch,
        failure: None,
        state: Some(state),
        done: false,
    };
    match runtime {
        Some(runtime) => drop(runtime.spawn_blocking(move || drop(ending))),
        None => drop(ending),
    }
}

/// The writers' lock, held. Letting it go ends the open batch when no writer is left to
/// commit it (its writers failed, panicked or were dropped while another call held the
/// lock): so a batch does not keep SQLite's write lock after every call has returned.
pub(super) struct Held {
    pub(super) guard: Option<OwnedMutexGuard<State>>,
    pub(super) inner: Arc<Inner>,
}

impl std::ops::Deref for Held {
    type Target = State;

    fn deref(&self) -> &State {
        self.guard.as_deref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut State {
        self.guard.as_deref_mut().expect("held until dropped")
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let Some(guard) = self.guard.take() else {
            return;
        };
        let orphaned = guard.open.as_ref().and_then(|batch| {
            let left =
                batch.members.load(Ordering::Acquire) == 0 && batch.outcome.borrow().is_none();
            left.then_some(batch.id)
        });
        if let Some(id) = orphaned {
            let held = Held {
                guard: Some(guard),
                inner: self.inner.clone(),
            };
            let runtime = tokio::runtime::Handle::try_current().ok();
            end_orphan(&self.inner, held, id, runtime.as_ref());
        }
    }
}

/// A batch whose writers are all gone, to be ended by a task; if the task is dropped before
/// it did so, the batch is ended here when the writers' lock is free.
pub(super) struct Orphan {
    pub(super) inner: Arc<Inner>,
    /// The batch, or 0 once the task has dealt with it (batch ids start at 1).
    pub(super) id: u64,
}

impl Orphan {
    pub(super) fn dealt_with(&mut self) {
        self.id = 0;
    }
}

impl Drop for Orphan {
    fn drop(&mut self) {
        if self.id == 0 {
            return;
        }
        if let Some(state) = self.inner.try_lock() {
            end_orphan(&self.inner, state, self.id, None);
        }
    }
}
