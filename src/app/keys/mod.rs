//! The key table: which key sends which [`Command`] in which [`Mode`]. Key handling, the help
//! overlay, the hint bar, notices that name a key and `allot keys` all read it, so none of them
//! can drift from it. Config files rebind keys over the defaults ([`rebind`]).
//!
//! It lives in `app` (not `ui`) because the reducer needs it too: to know which dialog a
//! command is for, and to name keys in notices.

mod defaults;
pub mod help;
pub mod listing;
pub mod name;
mod rebind;

pub use help::{HelpRow, help_rows};
pub use name::Key;
#[cfg(test)]
pub(crate) use rebind::defaults_with;
pub use rebind::{KeysConfig, rebind};

use super::command::Command;
use super::msg::Input;
use super::state::{State, View};
use crossterm::event::{KeyEvent, KeyEventKind, KeyModifiers};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

/// Where keys are read: a view, or the dialog on top of it. Global holds the keys every view
/// shares (a view's own binding wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Global,
    Resources,
    Gantt,
    Requests,
    /// Typing the Resources filter.
    Filter,
    /// Typing where the Gantt's jump prompt (`:`) goes.
    Jump,
    /// The allocation, resource and request forms.
    Form,
    /// The allocation form's resource field: typing searches, `*` picks another.
    FormSearch,
    /// Picking a person (to staff an unnamed resource, or as the new approver).
    Picker,
    /// The "allocate from scheduled hours" dialog.
    FromScheduled,
    /// A y/n question.
    Confirm,
    Help,
    /// The message log.
    Log,
    /// Quitting with edits not yet saved.
    QuitDialog,
    /// Edits kept from last time, offered back.
    Offer,
}

impl Mode {
    pub const ALL: &'static [Mode] = &[
        Mode::Global,
        Mode::Resources,
        Mode::Gantt,
        Mode::Requests,
        Mode::Filter,
        Mode::Jump,
        Mode::Form,
        Mode::FormSearch,
        Mode::Picker,
        Mode::FromScheduled,
        Mode::Confirm,
        Mode::Help,
        Mode::Log,
        Mode::QuitDialog,
        Mode::Offer,
    ];

    /// The name in config files (`[keys.gantt]`) and `allot keys`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Resources => "resources",
            Mode::Gantt => "gantt",
            Mode::Requests => "requests",
            Mode::Filter => "filter",
            Mode::Jump => "jump",
            Mode::Form => "form",
            Mode::FormSearch => "form_search",
            Mode::Picker => "picker",
            Mode::FromScheduled => "from_scheduled",
            Mode::Confirm => "confirm",
            Mode::Help => "help",
            Mode::Log => "log",
            Mode::QuitDialog => "quit_dialog",
            Mode::Offer => "offer",
        }
    }

    /// The "where" column of the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Global => "everywhere",
            Mode::Resources => "Resources",
            Mode::Gantt => "Gantt",
            Mode::Requests => "Requests",
            Mode::Filter => "filter",
            Mode::Jump => "jump to",
            Mode::Form => "form",
            Mode::FormSearch => "form search",
            Mode::Picker => "picker",
            Mode::FromScheduled => "scheduled",
            Mode::Confirm => "y/n",
            Mode::Help => "help",
            Mode::Log => "log",
            Mode::QuitDialog => "quitting",
            Mode::Offer => "kept edits",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.iter().copied().find(|m| m.name() == name)
    }

    pub fn of_view(view: View) -> Mode {
        match view {
            View::Resources => Mode::Resources,
            View::Gantt => Mode::Gantt,
            View::Requests => Mode::Requests,
        }
    }

    /// Where keys go now: the dialog open, else the view.
    pub fn of(state: &State) -> Mode {
        use super::state::Overlay as O;
        match &state.overlay {
            Some(O::Quit { .. }) => Mode::QuitDialog,
            // Kept edits are offered over any dialog (see `State::offer`).
            _ if state.offer.is_some() => Mode::Offer,
            Some(O::Log { .. }) => Mode::Log,
            Some(O::Confirm(_)) => Mode::Confirm,
            // The reject reason box (view state, under any dialog) reads keys as the picker's
            // search does.
            _ if state.requests.reason.is_some() => Mode::Picker,
            Some(O::Pick(_)) => Mode::Picker,
            Some(O::FromScheduled(_)) => Mode::FromScheduled,
            Some(O::ResourceForm(_) | O::RequestForm(_)) => Mode::Form,
            Some(O::Form(form)) if form.focus == super::form::Field::Resource => Mode::FormSearch,
            Some(O::Form(_)) => Mode::Form,
            Some(O::Help { .. }) => Mode::Help,
            Some(O::Jump(_)) => Mode::Jump,
            // The Gantt's filter types as the Resources filter does.
            None if state.view == View::Gantt && state.gantt.find.editing => Mode::Filter,
            None if state.view == View::Resources && state.resources.editing => Mode::Filter,
            None if state.view == View::Requests && state.requests.find.editing => Mode::Filter,
            None => Mode::of_view(state.view),
        }
    }

    /// Unbound printable keys type into a text field here.
    pub fn types(self) -> bool {
        matches!(
            self,
            Mode::Filter
                | Mode::Jump
                | Mode::Form
                | Mode::FormSearch
                | Mode::Picker
                | Mode::FromScheduled
        )
    }

    /// Keys this mode does not bind are looked up in Global (dialogs are modal: they are not).
    pub fn falls_back(self) -> bool {
        matches!(
            self,
            Mode::Resources | Mode::Gantt | Mode::Requests | Mode::Filter | Mode::Jump
        )
    }
}

/// One line of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    pub mode: Mode,
    pub key: Key,
    pub command: Command,
}

/// The effective key table: the defaults with any rebinding from the config file.
#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    bindings: Vec<Binding>,
    index: HashMap<(Mode, Key), Command>,
}

static DEFAULT: LazyLock<Arc<Keymap>> = LazyLock::new(|| {
    let bindings = defaults::DEFAULTS
        .iter()
        .map(|&(mode, key, command)| Binding {
            mode,
            // The defaults are tested to parse (`the_defaults_are_a_valid_table`).
            key: name::parse(key).unwrap_or_else(|e| panic!("default key: {e}")),
            command,
        })
        .collect();
    Arc::new(Keymap::new(bindings))
});

impl Keymap {
    /// The built-in table (shared: every State starts with it).
    pub fn defaults() -> Arc<Keymap> {
        Arc::clone(&DEFAULT)
    }

    /// A table from bindings; the first binding of a key in a mode wins (rebinding refuses
    /// duplicates before this).
    pub fn new(bindings: Vec<Binding>) -> Keymap {
        let mut index = HashMap::new();
        for b in &bindings {
            index.entry((b.mode, b.key)).or_insert(b.command);
        }
        Keymap { bindings, index }
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// What `key` sends in `mode` itself (no fallback).
    pub fn get(&self, mode: Mode, key: Key) -> Option<Command> {
        self.index.get(&(mode, key)).copied()
    }

    /// What `key` sends in `mode`, else (in a view or the filter) in Global.
    pub fn lookup(&self, mode: Mode, key: Key) -> Option<Command> {
        self.get(mode, key).or_else(|| {
            mode.falls_back()
                .then(|| self.get(Mode::Global, key))
                .flatten()
        })
    }

    /// The keys bound to `command` in `mode`, in table order.
    pub fn keys_for(&self, mode: Mode, command: Command) -> impl Iterator<Item = Key> + '_ {
        self.bindings
            .iter()
            .filter(move |b| b.mode == mode && b.command == command)
            .map(|b| b.key)
    }

    /// How a notice or hint names the key for `command` in `mode` (or Global, where `mode`
    /// falls back to it): its first key, or the command's name when nothing is bound to it.
    pub fn label(&self, mode: Mode, command: Command) -> String {
        let found = self.keys_for(mode, command).next().or_else(|| {
            mode.falls_back()
                .then(|| self.keys_for(Mode::Global, command).next())
                .flatten()
        });
        match found {
            // A key the mode's own binding shadows does not reach the command.
            Some(k) if self.lookup(mode, k) == Some(command) => name::display(k),
            _ => format!("[{}]", command.name()),
        }
    }
}

/// The input a key event sends now, if any.
pub fn input_for(state: &State, event: KeyEvent) -> Option<Input> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    let mode = Mode::of(state);
    let key = name::from_event(event);
    if let Some(command) = state.keys.get(mode, key) {
        return Some(Input::Command(command));
    }
    if mode.types()
        && let crossterm::event::KeyCode::Char(c) = event.code
        && !event
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER)
        && crate::client::sanitize::typable(c)
    {
        return Some(Input::Text(c));
    }
    // Before the Global keys: in the filter, Ctrl-u clears the text rather than paging.
    if mode.types() && super::line::is_edit_key(&event) {
        return Some(Input::Edit(event));
    }
    state.keys.lookup(mode, key).map(Input::Command)
}

#[cfg(test)]
mod tests;

impl State {
    /// How a notice names the key for `command` in `mode`, from the table in effect.
    pub fn key(&self, mode: Mode, command: Command) -> String {
        self.keys.label(mode, command)
    }
}
