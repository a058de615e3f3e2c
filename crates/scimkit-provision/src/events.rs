//! Provisioning events: what changed, for the host's provisioning log and reactions.

use std::sync::Mutex;

/// One provisioning change, reported after it was stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The tenant it happened in.
    pub tenant: String,
    /// The resource type's name, e.g. `User`.
    pub resource_type: String,
    /// The resource's id.
    pub id: String,
    /// What happened.
    pub change: Change,
}

/// What happened to a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Created (POST, or a bulk POST).
    Created,
    /// Attributes changed (other than those reported by the more specific changes below).
    Updated,
    /// A user's `active` went from true (or unset) to false: soft delete, the data stays.
    Deactivated,
    /// A user's `active` went from false to true.
    Reactivated,
    /// A group's `displayName` changed.
    Renamed {
        /// The old name, if it had one.
        from: Option<String>,
        /// The new name, if it has one.
        to: Option<String>,
    },
    /// Members were added to a group (their ids).
    MembersAdded(Vec<String>),
    /// Members were removed from a group (their ids).
    MembersRemoved(Vec<String>),
    /// Deleted (DELETE).
    Deleted,
}

/// Receives every provisioning change. Called synchronously after the store confirmed the
/// write, so keep it quick: log, or push to a channel.
pub trait EventSink: Send + Sync {
    /// Records one event.
    fn record(&self, event: Event);
}

/// Drops every event (the default sink).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn record(&self, _event: Event) {}
}

/// Keeps every event in memory, in order: a provisioning log for tests and small hosts.
#[derive(Debug, Default)]
pub struct EventLog {
    events: Mutex<Vec<Event>>,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> EventLog {
        EventLog::default()
    }

    /// The events so far, oldest first.
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Removes and returns the events so far.
    pub fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl EventSink for EventLog {
    fn record(&self, event: Event) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event);
    }
}
