//! What allot says to the user: one way to say it, and a log of everything said.
//!
//! The status bar has two slots, `State::error` and `State::notice`, and shows both (the newer
//! first). Every message goes through one of the methods below, which also appends it to
//! `State::log`, so a message cut to fit, or replaced later, can still be read in full (`L`).
//!
//! What stays on screen, precisely:
//! - [`State::say`]: a notice (information, guidance, "Cancelled"). It replaces the notice; an
//!   error on screen stays, since the notice does not make it untrue.
//! - [`State::done`]: a success (Done/Undid/Redid, a request resolved or created, a save that
//!   landed). It replaces the notice and clears the error, unless the error is *held*.
//! - [`State::fail`]: an error, written why first, then what ("Changed in Kantata since it was
//!   read: could not move …. Nothing was changed."), so the reason survives a narrow bar. It
//!   replaces the error and clears the notice (which spoke of an earlier step), unless the
//!   notice is held.
//! - [`State::fail_held`] and [`State::say_held`]: messages about a condition that lasts while
//!   writes wait (the backend is unavailable and edits are kept; quitting once saved). Only
//!   [`State::release`] (called when the writes waiting land or are dropped), a later message of
//!   the same kind, or Esc takes them off the screen.
//! - [`State::dismiss`] (Esc) clears both slots, held or not. The log keeps everything.

use super::state::State;
use std::collections::VecDeque;
use std::fmt::Display;

/// How many messages the log keeps (the oldest go first).
pub const LOG_LIMIT: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Notice,
    Error,
}

impl Kind {
    /// Carries the kind without colour (NO_COLOR): errors are marked, notices are not.
    pub fn glyph(&self) -> &'static str {
        match self {
            Kind::Notice => "·",
            Kind::Error => "✗",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The message's number in this session (1 is the first thing said).
    pub seq: u64,
    pub kind: Kind,
    pub text: String,
    /// The same words said again right after (a retry failing the same way) count here
    /// instead of filling the log.
    pub repeats: u32,
}

/// Every message of the session, oldest first, at most [`LOG_LIMIT`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageLog {
    entries: VecDeque<Message>,
    next_seq: u64,
}

impl MessageLog {
    fn push(&mut self, kind: Kind, text: &str) -> u64 {
        if let Some(last) = self.entries.back_mut()
            && last.kind == kind
            && last.text == text
        {
            last.repeats += 1;
            return last.seq;
        }
        self.next_seq += 1;
        self.entries.push_back(Message {
            seq: self.next_seq,
            kind,
            text: text.to_string(),
            repeats: 0,
        });
        while self.entries.len() > LOG_LIMIT {
            self.entries.pop_front();
        }
        self.next_seq
    }

    /// Newest first, as the log overlay shows them.
    pub fn newest_first(&self) -> impl Iterator<Item = &Message> {
        self.entries.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Keys inside the message log overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogInput {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Close,
}

/// Moves the open log's scroll, kept inside what there is to show at the terminal's size.
pub fn log_input(state: &mut State, input: LogInput) {
    let Some(at) = state.log_scroll() else {
        return;
    };
    let (max, page) = super::log_layout::scroll_limits(&state.log, state.size);
    let page = page.max(1) as i64;
    let to = match input {
        LogInput::Close => {
            state.overlay = None;
            return;
        }
        LogInput::Up => at as i64 - 1,
        LogInput::Down => at as i64 + 1,
        LogInput::PageUp => at as i64 - page,
        LogInput::PageDown => at as i64 + page,
        LogInput::Top => 0,
        LogInput::Bottom => max as i64,
    };
    state.overlay = Some(super::state::Overlay::Log {
        scroll: to.clamp(0, max as i64) as usize,
    });
}

/// A message in one of the status bar's slots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    /// The log number of the message, so the bar can put the newer slot first.
    pub seq: u64,
    /// It describes a condition still true while writes wait; see the module comment.
    pub held: bool,
}

/// "{why}: {what}", the reason first. The backend's words are kept as they are (a name may
/// start them), so callers writing their own reason start it with a capital.
/// `s` with its first letter upper case: a label ("move the allocation …") as a sentence.
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn why_then_what(why: impl Display, what: impl Display) -> String {
    let why = why.to_string();
    format!("{}: {what}", why.trim_end_matches(['.', ' ']))
}

impl State {
    fn show_notice(&mut self, text: String, held: bool) {
        // Everything said reaches the terminal: nothing raw from outside gets there this way.
        let text = crate::client::sanitize::clean(&text);
        let seq = self.log.push(Kind::Notice, &text);
        self.notice = Some(text);
        self.notice_shown = Shown { seq, held };
    }

    fn show_error(&mut self, text: String, held: bool) {
        let text = crate::client::sanitize::clean(&text);
        let seq = self.log.push(Kind::Error, &text);
        self.error = Some(text);
        self.error_shown = Shown { seq, held };
        if !self.notice_shown.held {
            self.notice = None;
        }
    }

    /// A notice: information or guidance. An error on screen stays.
    pub fn say(&mut self, text: impl Into<String>) {
        self.show_notice(text.into(), false);
    }

    /// A notice that stays while writes wait (e.g. quitting once they are saved).
    pub fn say_held(&mut self, text: impl Into<String>) {
        self.show_notice(text.into(), true);
    }

    /// A success: it replaces the notice and an error that is not held.
    pub fn done(&mut self, text: impl Into<String>) {
        if !self.error_shown.held {
            self.error = None;
        }
        self.show_notice(text.into(), false);
    }

    /// An error, why first: "{Why}: {what}".
    pub fn fail(&mut self, why: impl Display, what: impl Display) {
        self.show_error(why_then_what(why, what), false);
    }

    /// An error about a condition that lasts while writes wait (the backend unavailable).
    pub fn fail_held(&mut self, why: impl Display, what: impl Display) {
        self.show_error(why_then_what(why, what), true);
    }

    /// Whether the error on screen is held (a condition still true while writes wait).
    pub fn error_is_held(&self) -> bool {
        self.error.is_some() && self.error_shown.held
    }

    /// The writes that held messages spoke of have landed or been dropped: those messages
    /// are no longer true.
    pub fn release(&mut self) {
        if self.error_shown.held {
            self.error = None;
            self.error_shown.held = false;
        }
        if self.notice_shown.held {
            self.notice = None;
            self.notice_shown.held = false;
        }
    }

    /// A reload is starting: the error it may answer is no longer what is on screen.
    pub fn clear_error(&mut self) {
        self.error = None;
        self.error_shown.held = false;
    }

    /// Esc: both slots cleared, held or not. The log keeps them.
    pub fn dismiss(&mut self) {
        self.error = None;
        self.notice = None;
        self.error_shown.held = false;
        self.notice_shown.held = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::BackendKind;

    fn state() -> State {
        State::new(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            BackendKind::Local,
            "test",
        )
    }

    #[test]
    fn an_error_says_why_first() {
        let mut s = state();
        s.fail(
            "Changed in Kantata since it was read.",
            "could not move Ana. Nothing was changed.",
        );
        assert_eq!(
            s.error.as_deref(),
            Some("Changed in Kantata since it was read: could not move Ana. Nothing was changed.")
        );
    }

    #[test]
    fn a_success_clears_an_error_but_not_a_held_one() {
        let mut s = state();
        s.fail("too short", "could not split");
        s.say("Zoom: week");
        assert!(s.error.is_some(), "a notice does not make an error untrue");
        s.done("Done: split");
        assert_eq!(s.error, None);
        s.fail_held("Kantata is unreachable", "the edit is kept");
        s.done("Done: move");
        assert!(s.error.is_some(), "still unreachable: the error stays");
        s.release();
        assert_eq!(s.error, None);
        assert_eq!(s.notice.as_deref(), Some("Done: move"));
    }

    #[test]
    fn an_error_keeps_a_held_notice_only() {
        let mut s = state();
        s.say("Done: move");
        s.fail("refused", "could not move");
        assert_eq!(s.notice, None, "the Done it contradicts goes");
        s.say_held("Saving 1 edit(s), then quitting");
        s.fail("unreachable", "kept");
        assert_eq!(s.notice.as_deref(), Some("Saving 1 edit(s), then quitting"));
    }

    #[test]
    fn the_log_keeps_everything_newest_first_bounded_and_counts_repeats() {
        let mut s = state();
        s.fail("A", "b");
        s.dismiss();
        assert_eq!(s.error, None);
        s.say("one");
        s.fail_held("Down", "kept");
        s.fail_held("Down", "kept");
        let texts: Vec<_> = s.log.newest_first().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["Down: kept", "one", "A: b"]);
        assert_eq!(s.log.newest_first().next().map(|m| m.repeats), Some(1));
        for i in 0..LOG_LIMIT + 10 {
            s.say(format!("n{i}"));
        }
        assert_eq!(s.log.len(), LOG_LIMIT);
        assert_eq!(
            s.log.newest_first().next().map(|m| m.text.clone()),
            Some(format!("n{}", LOG_LIMIT + 9))
        );
    }

    #[test]
    fn control_characters_never_reach_the_screen_or_the_log() {
        let mut s = state();
        s.fail("bad\x1b[2Jname", "could not\u{202e} save");
        let e = s.error.clone().unwrap_or_default();
        assert!(crate::client::sanitize::is_clean(&e), "{e:?}");
        assert!(
            s.log
                .newest_first()
                .all(|m| crate::client::sanitize::is_clean(&m.text))
        );
    }
}

/// The rules above, driven through `update()`: state and effects.
#[cfg(test)]
mod reducer_tests {
    use crate::app::tests::{a1, on_bar, only_apply};
    use crate::app::{Command, Effect, Msg, update};
    use crate::client::{Applied, BackendError};
    use crate::domain::Allocation;

    fn unavailable() -> BackendError {
        BackendError::Unavailable("Kantata could not be reached (connection refused)".into())
    }

    /// The moved allocation as the backend answers it.
    fn landed(s: &crate::app::State, seq: u64) -> Msg {
        Msg::Applied {
            seq,
            result: Ok(vec![Applied::Updated(Allocation {
                version: a1(s).version + 1,
                ..a1(s)
            })]),
        }
    }

    #[test]
    fn an_edit_says_saved_only_once_the_backend_has_it() {
        let mut s = on_bar();
        let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
        let n = s.notice.clone().unwrap_or_default();
        assert!(n.starts_with("Move the allocation on Apollo"), "{n}");
        assert!(n.ends_with("(u undoes)") && !n.contains("Saved") && !n.contains("Done"));
        let msg = landed(&s, seq);
        update(&mut s, msg);
        let n = s.notice.clone().unwrap_or_default();
        assert!(n.starts_with("Saved: move the allocation on Apollo"), "{n}");

        // Something said since stays: the landing does not cover it.
        let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
        update(&mut s, Command::ZoomIn);
        let zoom = s.notice.clone();
        let msg = landed(&s, seq);
        update(&mut s, msg);
        assert_eq!(s.notice, zoom);

        // Undo and redo say what they are doing, then that it is done.
        let (seq, _) = only_apply(&update(&mut s, Command::Undo));
        let n = s.notice.clone().unwrap_or_default();
        assert!(n.starts_with("Undoing: move"), "{n}");
        let msg = landed(&s, seq);
        update(&mut s, msg);
        let n = s.notice.clone().unwrap_or_default();
        assert!(n.starts_with("Undid: move"), "{n}");
        let (seq, _) = only_apply(&update(&mut s, Command::Redo));
        assert!(
            s.notice
                .clone()
                .unwrap_or_default()
                .starts_with("Redoing: move")
        );
        let msg = landed(&s, seq);
        update(&mut s, msg);
        assert!(
            s.notice
                .clone()
                .unwrap_or_default()
                .starts_with("Redid: move")
        );
    }

    #[test]
    fn a_split_that_works_replaces_the_error_of_one_that_failed() {
        let mut s = on_bar();
        // The week bucket starts on the bar's first day: nothing to split there.
        assert!(update(&mut s, Command::Split).is_empty());
        let e = s.error.clone().unwrap_or_default();
        assert!(e.starts_with("cannot split on 2026-11-23"), "{e}");
        update(&mut s, Command::ZoomIn);
        update(&mut s, Command::Later);
        let (_, changes) = only_apply(&update(&mut s, Command::Split));
        assert_eq!(changes.len(), 1);
        assert_eq!(s.error, None, "the success replaced the error");
        let n = s.notice.clone().unwrap_or_default();
        assert!(n.starts_with("Split the allocation"), "{n}");
        assert!(
            s.log.newest_first().any(|m| m.text == e),
            "the error stays in the log"
        );
    }

    #[test]
    fn a_notice_that_is_no_success_leaves_the_error() {
        let mut s = on_bar();
        update(&mut s, Command::Split);
        assert!(s.error.is_some());
        let effects = update(&mut s, Command::ZoomIn);
        assert!(!effects.iter().any(|e| matches!(e, Effect::Apply { .. })));
        assert_eq!(s.notice.as_deref(), Some("Zoom: day"));
        assert!(s.error.is_some(), "zooming does not make the split work");
    }

    #[test]
    fn the_unavailable_error_stays_until_the_save_lands_then_goes() {
        let mut s = on_bar();
        let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
        assert!(
            update(
                &mut s,
                Msg::Applied {
                    seq,
                    result: Err(unavailable())
                }
            )
            .is_empty()
        );
        let e = s.error.clone().unwrap_or_default();
        assert!(
            e.starts_with("Kantata could not be reached (connection refused): the edit is kept"),
            "{e}"
        );
        // Another edit works on screen (and sends the kept one again), but nothing answered
        // yet: the error is still true and stays.
        let (again, _) = only_apply(&update(&mut s, Command::ToggleHard));
        assert_eq!(again, seq, "the kept write goes first");
        assert!(s.notice.clone().unwrap_or_default().ends_with("(u undoes)"));
        assert_eq!(s.error.as_deref(), Some(e.as_str()));
        // It lands: the error goes, with a word saying so.
        let moved = a1(&s);
        let effects = update(
            &mut s,
            Msg::Applied {
                seq,
                result: Ok(vec![Applied::Updated(Allocation {
                    version: 2,
                    ..moved
                })]),
            },
        );
        let (next, _) = only_apply(&effects);
        assert_ne!(next, seq, "the waiting edit goes next");
        assert_eq!(s.error, None);
        assert_eq!(
            s.notice.as_deref(),
            Some("The embedded workspace answered again: saving the 1 edit(s) still waiting")
        );
    }

    #[test]
    fn a_refusal_after_the_outage_replaces_the_held_error() {
        let mut s = on_bar();
        let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
        update(
            &mut s,
            Msg::Applied {
                seq,
                result: Err(unavailable()),
            },
        );
        only_apply(&update(&mut s, Msg::Tick));
        let effects = update(
            &mut s,
            Msg::Applied {
                seq,
                result: Err(BackendError::Stale(
                    "changed in Kantata since it was read".into(),
                )),
            },
        );
        assert!(effects.is_empty());
        let e = s.error.clone().unwrap_or_default();
        assert!(
            e.starts_with("changed in Kantata since it was read: could not move"),
            "{e}"
        );
        assert!(
            !s.error_is_held(),
            "nothing waits any more: a success may clear it"
        );
        only_apply(&update(&mut s, Command::ShiftLater));
        assert_eq!(s.error, None);
    }

    #[test]
    fn the_quit_notice_is_not_hidden_by_a_later_error() {
        let mut s = on_bar();
        let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
        assert!(update(&mut s, Command::Quit).is_empty());
        assert!(s.quit_dialog_open() && !s.quit);
        // w in the quit dialog: wait for the save, then quit.
        assert!(update(&mut s, Command::WaitThenQuit).is_empty());
        update(
            &mut s,
            Msg::Applied {
                seq,
                result: Err(unavailable()),
            },
        );
        assert!(s.error.is_some());
        let n = s.notice.clone().unwrap_or_default();
        assert!(
            n.starts_with("Waiting for 1 unsaved edit to be saved, then quitting"),
            "{n}"
        );
        // Once the write lands the quit goes ahead and the held words end.
        only_apply(&update(&mut s, Msg::Tick));
        let moved = a1(&s);
        update(
            &mut s,
            Msg::Applied {
                seq,
                result: Ok(vec![Applied::Updated(moved)]),
            },
        );
        assert!(s.quit);
        assert_eq!(s.error, None);
    }

    #[test]
    fn esc_still_clears_every_message_held_or_not() {
        let mut s = on_bar();
        let (seq, _) = only_apply(&update(&mut s, Command::ShiftLater));
        update(
            &mut s,
            Msg::Applied {
                seq,
                result: Err(unavailable()),
            },
        );
        assert!(s.error_is_held());
        assert!(update(&mut s, Command::Back).is_empty());
        assert_eq!((s.error.clone(), s.notice.clone()), (None, None));
        assert_eq!(s.log.len(), 2, "Done, then the error: both kept in the log");
        assert!(s.edits.stalled, "Esc hides the words, not the edits");
    }

    #[test]
    fn the_log_opens_scrolls_within_bounds_and_closes() {
        let mut s = on_bar();
        s.size = (40, 12);
        for i in 0..30 {
            s.fail(
                format!("Reason {i}"),
                "could not do the thing that was asked",
            );
        }
        assert!(update(&mut s, Command::ToggleLog).is_empty());
        assert_eq!(s.log_scroll(), Some(0));
        update(&mut s, Command::Up);
        assert_eq!(s.log_scroll(), Some(0), "not above the newest");
        update(&mut s, Command::Down);
        assert_eq!(s.log_scroll(), Some(1));
        update(&mut s, Command::Bottom);
        let (max, page) = crate::app::log_layout::scroll_limits(&s.log, s.size);
        assert!(max > 0 && page > 0);
        assert_eq!(s.log_scroll(), Some(max));
        update(&mut s, Command::Down);
        assert_eq!(s.log_scroll(), Some(max), "not below the oldest");
        update(&mut s, Command::PageUp);
        assert_eq!(s.log_scroll(), Some(max - page));
        update(&mut s, Command::Top);
        assert_eq!(s.log_scroll(), Some(0));
        let effects = update(&mut s, Command::Back);
        assert!(effects.is_empty());
        assert_eq!(s.log_scroll(), None);
    }
}

/// `L` and the keys inside the log, through the keymap.
#[cfg(test)]
mod key_tests {
    use crate::app::keys::input_for;
    use crate::app::tests::on_bar;
    use crate::app::{Command, Input, View, update};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn l_opens_the_log_in_every_view_and_the_log_keeps_its_keys() {
        let mut s = on_bar();
        for v in View::ALL {
            update(&mut s, Command::show(v));
            assert_eq!(
                input_for(&s, key(KeyCode::Char('L'))),
                Some(Input::Command(Command::ToggleLog))
            );
        }
        update(&mut s, Command::ToggleLog);
        for (code, input) in [
            (KeyCode::Char('j'), Command::Down),
            (KeyCode::Down, Command::Down),
            (KeyCode::Char('k'), Command::Up),
            (KeyCode::PageDown, Command::PageDown),
            (KeyCode::PageUp, Command::PageUp),
            (KeyCode::Char('g'), Command::Top),
            (KeyCode::Char('G'), Command::Bottom),
            (KeyCode::Esc, Command::Back),
            (KeyCode::Char('L'), Command::ToggleLog),
        ] {
            assert_eq!(
                input_for(&s, key(code)),
                Some(Input::Command(input)),
                "{code:?}"
            );
        }
        // Keys of the view behind it do nothing while it is open.
        assert_eq!(input_for(&s, key(KeyCode::Char('d'))), None);
        assert_eq!(
            input_for(&s, key(KeyCode::Char('q'))),
            Some(Input::Command(Command::Quit))
        );
    }
}
