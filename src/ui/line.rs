//! A text field on screen: scrolled so the insertion point shows, the selection reversed (a
//! modifier, so it shows under NO_COLOR too), and the column where the terminal cursor goes.

use crate::app::line::LineInput;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use unicode_width::UnicodeWidthChar;

/// The spans of `text` in at most `width` columns, and (when `focused`) the cursor's column
/// from their start. Unfocused, it is cut like any text.
pub fn line_spans(
    text: &LineInput,
    focused: bool,
    width: usize,
    style: Style,
) -> (Vec<Span<'static>>, Option<usize>) {
    if !focused {
        return (
            vec![Span::styled(super::text::truncate(text, width), style)],
            None,
        );
    }
    // One column stays free for the cursor after the last character.
    let skip = text.scroll(width.saturating_sub(1));
    let (mut shown, mut col) = (String::new(), 0);
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if col >= skip && col + w <= skip + width {
            shown.push(c);
        }
        col += w;
    }
    let style = if text.is_selected() {
        style.add_modifier(Modifier::REVERSED)
    } else {
        style
    };
    let cursor = text.cursor_column().saturating_sub(skip).min(width);
    (vec![Span::styled(shown, style)], Some(cursor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn a_long_text_scrolls_to_keep_the_cursor_in_view() {
        let t = LineInput::new("abcdefghij");
        let (spans, cursor) = line_spans(&t, true, 5, Style::default());
        assert_eq!((spans[0].content.as_ref(), cursor), ("ghij", Some(4)));
        let mut t = t;
        crate::app::line::edit(&mut t, KeyEvent::new(KeyCode::Home, KeyModifiers::NONE));
        let (spans, cursor) = line_spans(&t, true, 5, Style::default());
        assert_eq!((spans[0].content.as_ref(), cursor), ("abcde", Some(0)));
        let (spans, cursor) = line_spans(&t, false, 5, Style::default());
        assert_eq!((spans[0].content.as_ref(), cursor), ("abcd…", None));
    }

    #[test]
    fn the_selection_is_reversed_and_the_cursor_counts_columns() {
        let mut t = LineInput::new("東京");
        t.focus();
        let (spans, cursor) = line_spans(&t, true, 10, Style::default());
        assert_eq!(cursor, Some(4), "two wide characters");
        assert!(spans[0].style.add_modifier.contains(Modifier::REVERSED));
    }
}
