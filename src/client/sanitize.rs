//! The one sanitizer every outside string passes through at the client boundary.
//!
//! Control characters (C0, C1, DEL) and bidi overrides could move the cursor, set a window title,
//! write the clipboard or reorder what an approver reads. Line breaks and tabs become spaces; every
//! other such character becomes a visible U+FFFD so tampering shows instead of vanishing.

/// Is `c` a bidi embedding/override/isolate control (U+202A–U+202E, U+2066–U+2069) or a mark
/// that could flip display order (U+200E, U+200F, U+061C)?
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Makes an outside string safe to draw: see the module comment.
pub fn clean(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() || is_bidi_control(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Like [`clean`] but keeps line breaks, for multi-line text printed to a terminal (usage and
/// help from the flag parser, which quotes what was typed).
pub fn clean_lines(s: &str) -> String {
    s.split('\n')
        .map(|line| clean(line.strip_suffix('\r').unwrap_or(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a typed character may go into a text field: not a control character or a bidi
/// override (the keymap passes neither, but a paste or a test could), so what was typed is what
/// is drawn and sent.
pub fn typable(c: char) -> bool {
    !c.is_control() && !is_bidi_control(c)
}

/// True when `s` needs no cleaning.
pub fn is_clean(s: &str) -> bool {
    s.chars().all(typable)
}

/// Cleans every string and object key in a JSON tree in place.
pub fn clean_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if !is_clean(s) => *s = clean(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(clean_json),
        serde_json::Value::Object(map) => {
            if map.keys().any(|k| !is_clean(k)) {
                let old = std::mem::take(map);
                for (k, mut val) in old {
                    clean_json(&mut val);
                    map.insert(clean(&k), val);
                }
            } else {
                map.values_mut().for_each(clean_json);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_sequences_are_defused() {
        assert_eq!(
            clean("I \x1b[0;36mwas\x1b[0m here"),
            "I \u{FFFD}[0;36mwas\u{FFFD}[0m here"
        );
        assert_eq!(clean("\x1b]0;pwned\x07"), "\u{FFFD}]0;pwned\u{FFFD}");
        assert_eq!(clean("a\u{9b}31m"), "a\u{FFFD}31m", "C1 CSI");
        assert_eq!(clean("del\x7f"), "del\u{FFFD}");
    }

    #[test]
    fn bidi_overrides_are_made_visible() {
        assert_eq!(clean("abc\u{202E}fed"), "abc\u{FFFD}fed");
        assert_eq!(clean("\u{2066}x\u{2069}"), "\u{FFFD}x\u{FFFD}");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in [
            "Zoë Øster",
            "山田 太郎",
            "Ana-María O'Neil",
            "🚀 launch",
            "",
        ] {
            assert_eq!(clean(s), s);
        }
        assert_eq!(clean("two\nlines\tand tab"), "two lines and tab");
    }

    #[test]
    fn lines_are_kept_and_each_is_cleaned() {
        assert_eq!(clean_lines("a\x1b[1m\r\nb\tc\n"), "a\u{FFFD}[1m\nb c\n");
    }

    proptest! {
        #[test]
        fn output_never_holds_a_control_or_bidi_character(s in any::<String>()) {
            let out = clean(&s);
            prop_assert!(is_clean(&out));
            prop_assert_eq!(out.chars().count(), s.chars().count(), "one char in, one char out");
        }

        #[test]
        fn cleaning_is_idempotent(s in any::<String>()) {
            let once = clean(&s);
            prop_assert_eq!(clean(&once), once.clone());
        }
    }
}
