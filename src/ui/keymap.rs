//! Keys to actions: the default bindings, as the README's key table lists them.

use crate::app::form::{Field, FormInput};
use crate::app::requests::PickInput;
use crate::app::{Action, State, View};
use crate::client::sanitize::typable;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub fn action_for(state: &State, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if state.quit_dialog {
        use crate::app::offer::QuitChoice;
        return Some(Action::QuitDialog(match key.code {
            KeyCode::Enter => QuitChoice::Keep,
            KeyCode::Char('q') => return Some(Action::Quit),
            KeyCode::Char('w') => QuitChoice::Wait,
            KeyCode::Char('d') => QuitChoice::Discard,
            KeyCode::Esc => QuitChoice::Back,
            _ => return None,
        }));
    }
    if state.offer.is_some() {
        // Kept edits are modal until the user chooses (q quits and keeps them for next time).
        use crate::app::offer::OfferChoice;
        return match key.code {
            KeyCode::Enter => Some(Action::Offer(OfferChoice::Send)),
            KeyCode::Char('d') => Some(Action::Offer(OfferChoice::Discard)),
            KeyCode::Char('q') => Some(Action::Quit),
            _ => None,
        };
    }
    if state.log_view.is_some() {
        // The message log is modal: it scrolls, and closes on L or Esc.
        use crate::app::messages::LogInput;
        return Some(Action::Log(match key.code {
            KeyCode::Char('j') | KeyCode::Down => LogInput::Down,
            KeyCode::Char('k') | KeyCode::Up => LogInput::Up,
            KeyCode::PageDown | KeyCode::Char(' ') => LogInput::PageDown,
            KeyCode::PageUp => LogInput::PageUp,
            KeyCode::Char('g') | KeyCode::Home => LogInput::Top,
            KeyCode::Char('G') | KeyCode::End => LogInput::Bottom,
            KeyCode::Esc | KeyCode::Char('L') => LogInput::Close,
            KeyCode::Char('q') => return Some(Action::Quit),
            _ => return None,
        }));
    }
    if state.confirm.is_some() {
        // A y/n question is modal: only an answer (or quitting) gets through.
        return match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => Some(Action::ConfirmYes),
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => Some(Action::ConfirmNo),
            _ => None,
        };
    }
    if state.pick.is_some() || state.requests.reason.is_some() {
        return pick_key(key).map(Action::Pick);
    }
    if state.from_scheduled.is_some() {
        use crate::app::scheduled::FsInput;
        return Some(Action::FromScheduled(match key.code {
            KeyCode::Esc => FsInput::Cancel,
            KeyCode::Enter => FsInput::Apply,
            KeyCode::Tab => FsInput::CycleWhen,
            KeyCode::Backspace => FsInput::Backspace,
            KeyCode::Char('h') | KeyCode::Char('s') => FsInput::ToggleHard,
            KeyCode::Char(c) if c.is_ascii_digit() || c == '-' || c == ' ' => FsInput::Char(c),
            _ => return None,
        }));
    }
    if state.resource_form.is_some() {
        return request_form_key(key).map(Action::ResourceForm);
    }
    if state.request_form.is_some() {
        return request_form_key(key).map(Action::RequestForm);
    }
    if let Some(form) = &state.form {
        return form_key(form.focus, key).map(Action::Form);
    }
    if ctrl {
        return match key.code {
            KeyCode::Char('r') => Some(Action::Redo),
            KeyCode::Char('d') => Some(Action::HalfPageDown),
            KeyCode::Char('u') => Some(Action::HalfPageUp),
            _ => None,
        };
    }
    if state.view == View::Resources && state.resources.editing {
        // Typing a filter: printable keys go into it; arrows still move the selection.
        return match key.code {
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Enter => Some(Action::FilterAccept),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Down => Some(Action::Down),
            KeyCode::Up => Some(Action::Up),
            KeyCode::Char(c) if typable(c) => Some(Action::FilterInput(c)),
            _ => None,
        };
    }
    if state.help {
        // The help overlay is modal: it closes on ? or Esc, and q still quits.
        return match key.code {
            KeyCode::Char('?') | KeyCode::Esc => Some(Action::ToggleHelp),
            KeyCode::Char('q') => Some(Action::Quit),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('L') => Action::ToggleLog,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('1') => Action::ShowView(View::Resources),
        KeyCode::Char('2') => Action::ShowView(View::Gantt),
        KeyCode::Char('3') => Action::ShowView(View::Requests),
        KeyCode::Tab => Action::NextView,
        KeyCode::BackTab => Action::PrevView,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Char('h') | KeyCode::Left => Action::Left,
        KeyCode::Char('l') | KeyCode::Right => Action::Right,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char('t') => Action::Today,
        KeyCode::Char('z') => Action::ZoomIn,
        KeyCode::Char('Z') => Action::ZoomOut,
        KeyCode::Char('R') => Action::Refresh,
        KeyCode::Enter => Action::Open,
        KeyCode::Char(' ') => Action::Toggle,
        KeyCode::Char('p') => Action::ToggleGrouping,
        KeyCode::Char('[') => Action::ScreenLeft,
        KeyCode::Char(']') => Action::ScreenRight,
        KeyCode::Char('/') => Action::FilterStart,
        KeyCode::Char('s') if state.view == View::Gantt => Action::Split,
        KeyCode::Char('m') if state.view == View::Requests => Action::ToggleMine,
        KeyCode::Char('f') if state.view == View::Requests => Action::CycleStatus,
        KeyCode::Char('a') if state.view == View::Requests => Action::Approve,
        KeyCode::Char('r') if state.view == View::Requests => Action::Reject,
        KeyCode::Char('c') if state.view == View::Requests => Action::CancelRequest,
        KeyCode::Char('A') if state.view == View::Requests => Action::Reassign,
        KeyCode::Char('b') if state.view == View::Requests => Action::ApproveTop,
        KeyCode::Char('s') => Action::CycleSort,
        KeyCode::Char('n') => Action::NewAllocation,
        KeyCode::Char('N') => Action::NewRequest,
        KeyCode::Char('v') => Action::ToggleScheduled,
        KeyCode::Char('M') => Action::AllocateFromScheduled,
        KeyCode::Char('e') => Action::EditAllocation,
        KeyCode::Char('<') => Action::Shift(-1),
        KeyCode::Char('>') => Action::Shift(1),
        KeyCode::Char('{') => Action::Stretch(-1),
        KeyCode::Char('}') => Action::Stretch(1),
        KeyCode::Char('H') => Action::ToggleHard,
        KeyCode::Char('d') => Action::Delete,
        KeyCode::Char('u') => Action::Undo,
        KeyCode::Char('S') => Action::ReverseSort,
        KeyCode::Char('U') => Action::ToggleUnnamed,
        _ => return None,
    })
}

/// Keys inside the allocation form.
fn form_key(focus: Field, key: KeyEvent) -> Option<FormInput> {
    Some(match key.code {
        KeyCode::Esc => FormInput::Cancel,
        KeyCode::Enter => FormInput::Submit,
        KeyCode::Tab => FormInput::Next,
        KeyCode::BackTab => FormInput::Prev,
        KeyCode::Up => FormInput::Up,
        KeyCode::Down => FormInput::Down,
        KeyCode::Left => FormInput::Left,
        KeyCode::Right => FormInput::Right,
        KeyCode::Backspace => FormInput::Backspace,
        KeyCode::Char(' ') if focus != Field::Resource => FormInput::Toggle,
        KeyCode::Char('*') if focus == Field::Resource => FormInput::Toggle,
        KeyCode::Char(c) if typable(c) => FormInput::Char(c),
        _ => return None,
    })
}

/// Keys while picking a person.
fn pick_key(key: KeyEvent) -> Option<PickInput> {
    Some(match key.code {
        KeyCode::Esc => PickInput::Cancel,
        KeyCode::Enter => PickInput::Choose,
        KeyCode::Up => PickInput::Up,
        KeyCode::Down => PickInput::Down,
        KeyCode::Tab => PickInput::ToggleSoft,
        KeyCode::Backspace => PickInput::Backspace,
        KeyCode::Char(c) if typable(c) => PickInput::Char(c),
        _ => return None,
    })
}

/// Keys inside the request form: Space picks in a list (or types a space in text).
fn request_form_key(key: KeyEvent) -> Option<FormInput> {
    Some(match key.code {
        KeyCode::Char(' ') => FormInput::Toggle,
        _ => return form_key(Field::Start, key),
    })
}
