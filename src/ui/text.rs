//! Display-width-aware text fitting (column maths must use display width, not char counts).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a view shows before its data is in: "Loading…", or, once every load has ended in a
/// failure, the backend's words in full (the status bar has room only for the start of them).
pub fn not_loaded(state: &crate::app::State) -> String {
    match &state.error {
        Some(e) if state.pending.is_empty() => format!("Nothing loaded: {e}. R tries again."),
        _ => "Loading…".to_string(),
    }
}

/// `s` cut to at most `width` display columns, ending in '…' when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` truncated or padded with spaces to exactly `width` columns.
pub fn pad(s: &str, width: usize) -> String {
    let mut t = truncate(s, width);
    let w = t.width();
    t.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    t
}

/// `s` right-aligned in exactly `width` columns.
pub fn pad_left(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let w = t.width();
    let mut out: String = std::iter::repeat_n(' ', width.saturating_sub(w)).collect();
    out.push_str(&t);
    out
}

/// A table cell: `s` in `width` columns, the last always a space so neighbours never touch.
pub fn cell(s: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let mut t = pad(s, width - 1);
    t.push(' ');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_by_display_width() {
        assert_eq!(truncate("Resources", 5), "Reso…");
        assert_eq!(truncate("山田太郎", 5), "山田…");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad_left("7h", 4), "  7h");
        assert_eq!(pad("山田太郎", 5).width(), 5);
        assert_eq!(truncate("x", 0), "");
    }
}
