//! The line editor under every text field: shell keys (Home/End, Ctrl-a/e/u/w/k, Alt-b/f),
//! moves by character (a grapheme: "ë" or "漢" is one step), and a prefilled field selected on
//! focus so typing replaces it, as in a browser form.
//!
//! The text and its cursor are `tui_input::Input`; this adds what it lacks: the selection on
//! focus, the key table (it binds Ctrl-u to "delete the whole line", a shell deletes to the
//! start), refusing untypable characters, and equality for the forms' `PartialEq`.

use crate::client::sanitize::typable;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::{Input, InputRequest};

#[derive(Clone, Debug, Default)]
pub struct LineInput {
    input: Input,
    /// The whole text is selected (set on focus): typing or deleting replaces it, a move
    /// deselects.
    selected: bool,
}

impl PartialEq for LineInput {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
            && self.cursor() == other.cursor()
            && self.selected == other.selected
    }
}

impl Eq for LineInput {}

/// Compares the text only.
impl PartialEq<&str> for LineInput {
    fn eq(&self, other: &&str) -> bool {
        self.value() == *other
    }
}

impl std::fmt::Display for LineInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.value())
    }
}

/// Reads as the text it holds, so validation and rendering take it as a `&str`.
impl std::ops::Deref for LineInput {
    type Target = str;
    fn deref(&self) -> &str {
        self.input.value()
    }
}

impl From<&str> for LineInput {
    fn from(s: &str) -> Self {
        LineInput::new(s)
    }
}

impl From<String> for LineInput {
    fn from(s: String) -> Self {
        LineInput {
            input: Input::new(s),
            selected: false,
        }
    }
}

impl LineInput {
    /// `text` with the cursor at its end, nothing selected.
    pub fn new(text: &str) -> LineInput {
        LineInput::from(text.to_string())
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Characters (code points) before the cursor.
    pub fn cursor(&self) -> usize {
        self.input.cursor()
    }

    /// Terminal columns before the cursor (a CJK character takes two).
    pub fn cursor_column(&self) -> usize {
        self.input.visual_cursor()
    }

    /// Columns scrolled off the left so the cursor shows in `width` columns.
    pub fn scroll(&self, width: usize) -> usize {
        self.input.visual_scroll(width)
    }

    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// Entering the field: the cursor at the end, and a prefilled text selected.
    pub fn focus(&mut self) {
        self.input.handle(InputRequest::GoToEnd);
        self.selected = !self.value().is_empty();
    }

    pub fn clear(&mut self) {
        self.input.reset();
        self.selected = false;
    }
}

/// What a key does to a line.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Edit {
    Insert(char),
    /// Moves the cursor; `Some(to_start)` for Left/Right, which collapse a selection to its
    /// start or end (as a browser does) instead of stepping.
    Move(InputRequest, Option<bool>),
    Delete(InputRequest),
}

/// The key table: which keys are editing keys and what they do. Tab, Enter, Esc, Up and Down
/// are never here: they stay the form's.
fn edit_for(key: &KeyEvent) -> Option<Edit> {
    use InputRequest as R;
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let m = key.modifiers;
    let ctrl = m == KeyModifiers::CONTROL;
    let alt = m == KeyModifiers::ALT || m == KeyModifiers::META;
    let plain = m.is_empty() || m == KeyModifiers::SHIFT;
    Some(match key.code {
        KeyCode::Char(c) if plain && typable(c) => Edit::Insert(c),
        KeyCode::Left if m.is_empty() => Edit::Move(R::GoToPrevChar, Some(true)),
        KeyCode::Right if m.is_empty() => Edit::Move(R::GoToNextChar, Some(false)),
        KeyCode::Home if m.is_empty() => Edit::Move(R::GoToStart, None),
        KeyCode::End if m.is_empty() => Edit::Move(R::GoToEnd, None),
        KeyCode::Left if ctrl => Edit::Move(R::GoToPrevWord, None),
        KeyCode::Right if ctrl => Edit::Move(R::GoToNextWord, None),
        KeyCode::Backspace if m.is_empty() => Edit::Delete(R::DeletePrevChar),
        KeyCode::Delete if m.is_empty() => Edit::Delete(R::DeleteNextChar),
        KeyCode::Backspace if alt => Edit::Delete(R::DeletePrevWord),
        KeyCode::Char('a') if ctrl => Edit::Move(R::GoToStart, None),
        KeyCode::Char('e') if ctrl => Edit::Move(R::GoToEnd, None),
        // Some terminals send Backspace as Ctrl-h.
        KeyCode::Char('h') if ctrl => Edit::Delete(R::DeletePrevChar),
        KeyCode::Char('u') if ctrl => Edit::Delete(R::DeleteFromStart),
        KeyCode::Char('w') if ctrl => Edit::Delete(R::DeletePrevWord),
        KeyCode::Char('k') if ctrl => Edit::Delete(R::DeleteTillEnd),
        KeyCode::Char('b') if alt => Edit::Move(R::GoToPrevWord, None),
        KeyCode::Char('f') if alt => Edit::Move(R::GoToNextWord, None),
        KeyCode::Char('d') if alt => Edit::Delete(R::DeleteNextWord),
        _ => return None,
    })
}

/// Whether `key` is one the line editor uses (so a key map can send it to the field).
pub fn is_edit_key(key: &KeyEvent) -> bool {
    edit_for(key).is_some()
}

/// The one entry point: applies `key` to `line`. True when the key is an editing key (it was
/// used, even where it changed nothing, like Left at the start); false leaves it to the caller.
pub fn edit(line: &mut LineInput, key: KeyEvent) -> bool {
    let Some(e) = edit_for(&key) else {
        return false;
    };
    let selected = std::mem::take(&mut line.selected);
    match e {
        Edit::Insert(c) => {
            if selected {
                line.input.reset();
            }
            line.input.handle(InputRequest::InsertChar(c));
        }
        // Any deletion over a selection deletes the selection.
        Edit::Delete(_) if selected => line.input.reset(),
        Edit::Delete(r) => {
            line.input.handle(r);
        }
        Edit::Move(_, Some(to_start)) if selected => {
            line.input.handle(if to_start {
                InputRequest::GoToStart
            } else {
                InputRequest::GoToEnd
            });
        }
        Edit::Move(r, _) => {
            line.input.handle(r);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn alt(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)
    }

    fn typed(s: &str) -> LineInput {
        let mut l = LineInput::default();
        for c in s.chars() {
            assert!(edit(&mut l, key(KeyCode::Char(c))));
        }
        l
    }

    fn keys(l: &mut LineInput, keys: &[KeyEvent]) {
        for k in keys {
            assert!(edit(l, *k), "{k:?} is an editing key");
        }
    }

    /// The text with `|` at the cursor.
    fn shown(l: &LineInput) -> String {
        let mut s: String = l.value().chars().take(l.cursor()).collect();
        s.push('|');
        s.extend(l.value().chars().skip(l.cursor()));
        s
    }

    #[test]
    fn left_and_right_move_by_character_not_byte() {
        let mut l = typed("Zoë");
        keys(&mut l, &[key(KeyCode::Left)]);
        assert_eq!(shown(&l), "Zo|ë");
        keys(&mut l, &[key(KeyCode::Left), key(KeyCode::Char('x'))]);
        assert_eq!(shown(&l), "Zx|oë");
        keys(&mut l, &[key(KeyCode::Right), key(KeyCode::Right)]);
        assert_eq!(shown(&l), "Zxoë|");
        keys(&mut l, &[key(KeyCode::Right)]);
        assert_eq!(shown(&l), "Zxoë|", "Right at the end stays");
        // A decomposed ë (e + combining diaeresis) is one step too.
        let mut l = typed("Zoe\u{308}");
        keys(&mut l, &[key(KeyCode::Left)]);
        assert_eq!(shown(&l), "Zo|e\u{308}");
        keys(&mut l, &[key(KeyCode::Backspace)]);
        assert_eq!(shown(&l), "Z|e\u{308}");
    }

    #[test]
    fn wide_characters_move_one_step_and_two_columns() {
        let mut l = typed("東京都");
        assert_eq!((l.cursor(), l.cursor_column()), (3, 6));
        keys(&mut l, &[key(KeyCode::Left)]);
        assert_eq!((shown(&l), l.cursor_column()), ("東京|都".into(), 4));
        keys(&mut l, &[key(KeyCode::Backspace)]);
        assert_eq!(shown(&l), "東|都");
        keys(&mut l, &[key(KeyCode::Delete)]);
        assert_eq!(shown(&l), "東|");
        // Scrolled so the cursor shows in 4 columns: "京都" off the left of "東京都x".
        let l = typed("東京都x");
        assert_eq!(l.scroll(4), 4);
    }

    #[test]
    fn home_end_and_ctrl_a_ctrl_e() {
        let mut l = typed("ab cd");
        keys(&mut l, &[key(KeyCode::Home)]);
        assert_eq!(shown(&l), "|ab cd");
        keys(&mut l, &[key(KeyCode::End)]);
        assert_eq!(shown(&l), "ab cd|");
        keys(&mut l, &[ctrl('a')]);
        assert_eq!(shown(&l), "|ab cd");
        keys(&mut l, &[ctrl('e')]);
        assert_eq!(shown(&l), "ab cd|");
    }

    #[test]
    fn ctrl_u_deletes_to_the_start_and_ctrl_k_to_the_end() {
        let mut l = typed("2026-11-30");
        keys(&mut l, &[key(KeyCode::Left), key(KeyCode::Left), ctrl('u')]);
        assert_eq!(shown(&l), "|30");
        let mut l = typed("2026-11-30");
        keys(&mut l, &[ctrl('a'), key(KeyCode::Right), ctrl('k')]);
        assert_eq!(shown(&l), "2|");
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor_and_the_punctuation_after_it() {
        let mut l = typed("see Zoë, re: v2.1");
        keys(&mut l, &[ctrl('w')]);
        assert_eq!(shown(&l), "see Zoë, re: |", "the version is one word");
        keys(&mut l, &[ctrl('w')]);
        assert_eq!(shown(&l), "see Zoë, |", "the colon and space go with re");
        keys(&mut l, &[ctrl('w')]);
        assert_eq!(shown(&l), "see |");
        keys(&mut l, &[ctrl('w'), ctrl('w')]);
        assert_eq!(shown(&l), "|", "and nothing left to delete");
        let mut l = typed("2026-11-30");
        keys(&mut l, &[ctrl('w')]);
        assert_eq!(shown(&l), "2026-11-|", "a date goes a part at a time");
    }

    #[test]
    fn alt_b_and_alt_f_move_by_word() {
        let mut l = typed("one, two three");
        keys(&mut l, &[alt('b')]);
        assert_eq!(shown(&l), "one, two |three");
        keys(&mut l, &[alt('b'), alt('b')]);
        assert_eq!(shown(&l), "|one, two three");
        keys(&mut l, &[alt('f')]);
        assert_eq!(shown(&l), "one, |two three");
        keys(&mut l, &[alt('f'), alt('f')]);
        assert_eq!(shown(&l), "one, two three|");
    }

    #[test]
    fn backspace_and_delete_work_at_the_cursor() {
        let mut l = typed("abc");
        keys(&mut l, &[key(KeyCode::Left), key(KeyCode::Backspace)]);
        assert_eq!(shown(&l), "a|c");
        keys(&mut l, &[key(KeyCode::Delete)]);
        assert_eq!(shown(&l), "a|");
        keys(&mut l, &[key(KeyCode::Delete)]);
        assert_eq!(shown(&l), "a|", "Delete at the end changes nothing");
        keys(&mut l, &[key(KeyCode::Home), key(KeyCode::Backspace)]);
        assert_eq!(shown(&l), "|a", "Backspace at the start changes nothing");
    }

    #[test]
    fn a_prefilled_field_is_selected_on_focus_and_typing_replaces_it() {
        let mut l = LineInput::new("40");
        assert!(!l.is_selected(), "not until focused");
        l.focus();
        assert!(l.is_selected());
        keys(&mut l, &[key(KeyCode::Char('3'))]);
        assert_eq!((shown(&l), l.is_selected()), ("3|".into(), false));
        keys(&mut l, &[key(KeyCode::Char('2'))]);
        assert_eq!(shown(&l), "32|", "only the first key replaces");
        // An empty field has nothing to select.
        let mut l = LineInput::default();
        l.focus();
        assert!(!l.is_selected());
    }

    #[test]
    fn a_move_deselects_without_changing_the_text() {
        for (k, want) in [
            (key(KeyCode::Left), "|2026-11-30"),
            (key(KeyCode::Right), "2026-11-30|"),
            (key(KeyCode::Home), "|2026-11-30"),
            (ctrl('e'), "2026-11-30|"),
            (alt('b'), "2026-11-|30"),
        ] {
            let mut l = LineInput::new("2026-11-30");
            l.focus();
            keys(&mut l, &[k]);
            assert_eq!((shown(&l), l.is_selected()), (want.into(), false), "{k:?}");
        }
    }

    #[test]
    fn a_deletion_over_the_selection_deletes_it() {
        for k in [
            key(KeyCode::Backspace),
            key(KeyCode::Delete),
            ctrl('w'),
            ctrl('k'),
            ctrl('u'),
        ] {
            let mut l = LineInput::new("Some notes");
            l.focus();
            keys(&mut l, &[k]);
            assert_eq!((shown(&l), l.is_selected()), ("|".into(), false), "{k:?}");
        }
    }

    #[test]
    fn form_keys_and_control_characters_are_left_to_the_caller() {
        let mut l = LineInput::new("x");
        l.focus();
        for k in [
            key(KeyCode::Tab),
            key(KeyCode::BackTab),
            key(KeyCode::Enter),
            key(KeyCode::Esc),
            key(KeyCode::Up),
            key(KeyCode::Down),
            ctrl('r'),
            key(KeyCode::Char('\u{1b}')),
            key(KeyCode::Char('\u{202e}')),
        ] {
            assert!(!edit(&mut l, k), "{k:?}");
            assert!(!is_edit_key(&k), "{k:?}");
        }
        assert_eq!((shown(&l), l.is_selected()), ("x|".into(), true));
        assert!(is_edit_key(&ctrl('u')) && is_edit_key(&key(KeyCode::Char('A'))));
    }
}
