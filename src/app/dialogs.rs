//! Commands and text while a dialog is open: each dialog turns the commands its mode binds
//! into its own input. Dialogs are modal: what they do not take goes nowhere (quitting aside).

use super::command::Command as C;
use super::effect::Effect;
use super::form::FormInput;
use super::keys::Mode;
use super::messages::LogInput;
use super::offer::{OfferChoice, QuitChoice};
use super::requests::PickInput;
use super::scheduled::{FromScheduledInput, FromScheduledOutcome};
use super::state::{OnYes, Overlay, State};
use super::{bar_edits, form, request_form, requests, scheduled, staffing};
use crossterm::event::{KeyCode, KeyEvent};

/// `Some(effects)` when a dialog (or the help or log overlay) took the command; `None` for the
/// views (no dialog is open, or it lets the command through: quitting).
pub fn command(state: &mut State, command: C) -> Option<Vec<Effect>> {
    let mode = Mode::of(state);
    if command == C::Quit && mode != Mode::QuitDialog {
        return None;
    }
    let none = Vec::new;
    Some(match mode {
        Mode::QuitDialog => {
            let choice = match command {
                C::KeepEdits | C::Quit => QuitChoice::Keep,
                C::WaitThenQuit => QuitChoice::Wait,
                C::DiscardEdits => QuitChoice::Discard,
                C::Back => QuitChoice::Back,
                _ => return Some(none()),
            };
            super::offer::choose_quit(state, choice);
            none()
        }
        Mode::Offer => match command {
            C::SendEdits => super::offer::choose(state, OfferChoice::Send),
            C::DiscardEdits => super::offer::choose(state, OfferChoice::Discard),
            _ => none(),
        },
        Mode::Log => {
            let input = match command {
                C::Up => LogInput::Up,
                C::Down => LogInput::Down,
                C::PageUp => LogInput::PageUp,
                C::PageDown => LogInput::PageDown,
                C::Top => LogInput::Top,
                C::Bottom => LogInput::Bottom,
                C::Back | C::ToggleLog => LogInput::Close,
                _ => return Some(none()),
            };
            super::messages::log_input(state, input);
            none()
        }
        Mode::Confirm => match command {
            C::Yes => confirm_yes(state),
            C::No => {
                if state.take_confirm().is_some() {
                    state.say("Cancelled: nothing was changed");
                }
                none()
            }
            C::Up | C::Down | C::PageUp | C::PageDown => {
                scroll_confirm(state, command);
                none()
            }
            _ => none(),
        },
        Mode::Picker => {
            let input = match command {
                C::Cancel => PickInput::Cancel,
                C::Submit => PickInput::Choose,
                C::Up => PickInput::Up,
                C::Down => PickInput::Down,
                C::ToggleSoft => PickInput::ToggleSoft,
                C::Backspace => PickInput::Edit(KeyEvent::from(KeyCode::Backspace)),
                _ => return Some(none()),
            };
            requests::pick_input(state, input);
            none()
        }
        Mode::FromScheduled => {
            let input = match command {
                C::Cancel => FromScheduledInput::Cancel,
                C::Submit => FromScheduledInput::Apply,
                C::NextWhen => FromScheduledInput::CycleWhen,
                C::ToggleHard => FromScheduledInput::ToggleHard,
                C::OtherDate => FromScheduledInput::OtherDate,
                C::Backspace => FromScheduledInput::Edit(KeyEvent::from(KeyCode::Backspace)),
                _ => return Some(none()),
            };
            from_scheduled(state, input)
        }
        Mode::Form | Mode::FormSearch => {
            let input = match command {
                C::Cancel => FormInput::Cancel,
                C::Submit => FormInput::Submit,
                C::NextField => FormInput::Next,
                C::PrevField => FormInput::Prev,
                C::Up => FormInput::Up,
                C::Down => FormInput::Down,
                C::ChoicePrev => as_key(KeyCode::Left),
                C::ChoiceNext => as_key(KeyCode::Right),
                C::ToggleChoice if mode == Mode::FormSearch => as_key(KeyCode::Char('*')),
                C::ToggleChoice => as_key(KeyCode::Char(' ')),
                C::Backspace => as_key(KeyCode::Backspace),
                _ => return Some(none()),
            };
            form_input(state, input)
        }
        Mode::Help => {
            let page = super::keys::help::help_page(state.size.1) as i64;
            let rows =
                super::keys::help::help_lines(&state.keys, Mode::of_view(state.view), state.size.0);
            let max = rows.saturating_sub(page as usize) as i64;
            let Some(Overlay::Help { scroll }) = &mut state.overlay else {
                return Some(none());
            };
            let at = *scroll as i64;
            let to = match command {
                C::Back | C::ToggleHelp => {
                    state.overlay = None;
                    return Some(none());
                }
                C::Up => at - 1,
                C::Down => at + 1,
                C::PageUp => at - page,
                C::PageDown => at + page,
                C::Top => 0,
                C::Bottom => max,
                _ => return Some(none()),
            };
            *scroll = to.clamp(0, max) as usize;
            none()
        }
        Mode::Jump => match command {
            C::FilterDone => super::jump::go(state),
            C::Back => {
                state.take_jump();
                none()
            }
            C::Backspace => {
                super::jump::edit(state, KeyEvent::from(KeyCode::Backspace));
                none()
            }
            _ => none(),
        },
        Mode::Global | Mode::Resources | Mode::Gantt | Mode::Requests | Mode::Filter => {
            return None;
        }
    })
}

/// A key no binding took, for the text field of what is open (its line editor, `app::line`).
pub fn edit(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    match Mode::of(state) {
        Mode::Filter | Mode::Jump => super::resources::filter_edit(state, key),
        Mode::Form | Mode::FormSearch => return form_input(state, FormInput::Key(key)),
        Mode::Picker => requests::pick_input(state, PickInput::Edit(key)),
        Mode::FromScheduled => return from_scheduled(state, FromScheduledInput::Edit(key)),
        _ => {}
    }
    Vec::new()
}

/// The key a form's command stands for: choices and text fields read keys themselves (←/→
/// cycle a choice or move the cursor, Space toggles or types), so a rebound key still means
/// what its command says.
fn as_key(code: KeyCode) -> FormInput {
    FormInput::key(code)
}

/// The open form (resource, request or allocation) takes `input`.
fn form_input(state: &mut State, input: FormInput) -> Vec<Effect> {
    if state.resource_form().is_some() {
        return match staffing::input(state, input) {
            staffing::ResourceFormOutcome::Stay => Vec::new(),
            staffing::ResourceFormOutcome::Cancel => {
                state.say("Cancelled: nothing was changed");
                Vec::new()
            }
            staffing::ResourceFormOutcome::Commit(label, changes) => {
                bar_edits::after_edit(state, label, changes)
            }
        };
    }
    if state.request_form().is_some() {
        return match request_form::input(state, input) {
            request_form::RequestFormOutcome::Stay => Vec::new(),
            request_form::RequestFormOutcome::Cancel => {
                state.say("Cancelled: no request was made");
                Vec::new()
            }
            request_form::RequestFormOutcome::Submit(new) => {
                vec![state.start(Effect::CreateRequest(new))]
            }
        };
    }
    match form::input(state, input) {
        form::Outcome::Stay => Vec::new(),
        form::Outcome::Cancel => {
            state.say("Cancelled: nothing was changed");
            Vec::new()
        }
        form::Outcome::Commit(label, changes) => bar_edits::after_edit(state, label, changes),
    }
}

fn from_scheduled(state: &mut State, input: FromScheduledInput) -> Vec<Effect> {
    match scheduled::input(state, input) {
        FromScheduledOutcome::Stay => Vec::new(),
        FromScheduledOutcome::Commit(label, changes) => {
            bar_edits::after_edit(state, label, changes)
        }
        FromScheduledOutcome::Server(effect) => {
            state.say(format!(
                "Asking {} to allocate from scheduled hours…",
                state.backend.name()
            ));
            vec![state.start(effect)]
        }
    }
}

/// A long question (a bulk approval lists every request) scrolls under its first line.
fn scroll_confirm(state: &mut State, command: C) {
    let (w, h) = state.size;
    let Some(c) = state.confirm_mut() else {
        return;
    };
    let layout = super::geometry::confirm_layout(&c.question, w, h);
    let page = layout.room.max(1);
    let to = match command {
        C::Up => c.scroll.saturating_sub(1),
        C::Down => c.scroll + 1,
        C::PageUp => c.scroll.saturating_sub(page),
        _ => c.scroll + page,
    };
    c.scroll = layout.clamp(to);
}

fn confirm_yes(state: &mut State) -> Vec<Effect> {
    match state.take_confirm().map(|c| c.on_yes) {
        Some(OnYes::DeleteAllocations(ids)) => bar_edits::delete(state, &ids),
        Some(OnYes::Resolve(items)) => requests::resolve(state, items),
        Some(OnYes::Reassign(id, person)) => requests::reassign(state, id, person),
        Some(OnYes::DeleteResource(id)) => staffing::delete(state, &id),
        Some(OnYes::Split(plan)) => requests::send_split(state, *plan),
        Some(OnYes::Requests(step)) => {
            requests::go_on(state, step);
            Vec::new()
        }
        None => Vec::new(),
    }
}
