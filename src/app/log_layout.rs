//! Where the message log overlay draws and the lines it shows: the reducer scrolls by it
//! (`scroll_limits`) and `ui::log` draws by it, so both agree on what fits.

use super::geometry::wrap;
use super::messages::{Kind, MessageLog};
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};
use unicode_width::UnicodeWidthStr;

/// Where the overlay draws: the message lines, and the key hint under them when there is room.
/// A border only when the area can hold one with a line inside.
pub struct Layout {
    pub bordered: bool,
    pub body: Rect,
    pub footer: Option<Rect>,
}

pub fn layout(area: Rect) -> Layout {
    let bordered = area.width >= 4 && area.height >= 3;
    let inner = if bordered {
        Block::default().borders(Borders::ALL).inner(area)
    } else {
        area
    };
    if inner.height >= 3 {
        Layout {
            bordered,
            body: Rect {
                height: inner.height - 1,
                ..inner
            },
            footer: Some(Rect {
                y: inner.y + inner.height - 1,
                height: 1,
                ..inner
            }),
        }
    } else {
        Layout {
            bordered,
            body: inner,
            footer: None,
        }
    }
}

/// Every line the log shows at `width`, newest message first: "✗ #12 why: what", continued
/// under its text.
pub fn lines(log: &MessageLog, width: usize) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    for m in log.newest_first() {
        let prefix = format!("{} #{} ", m.kind.glyph(), m.seq);
        let indent = if prefix.width() * 2 <= width {
            prefix.width()
        } else {
            0
        };
        let text = if m.repeats > 0 {
            format!("{} (×{})", m.text, m.repeats + 1)
        } else {
            m.text.clone()
        };
        let mut first = true;
        let body = wrap(&text, width.saturating_sub(indent));
        for l in body {
            let lead = if first && indent > 0 {
                prefix.clone()
            } else if first {
                // No room to indent: the prefix takes a line of its own.
                out.push((m.kind, prefix.trim_end().to_string()));
                String::new()
            } else {
                " ".repeat(indent)
            };
            first = false;
            out.push((m.kind, format!("{lead}{l}")));
        }
    }
    out
}

fn area_of(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
}

/// The furthest the log can scroll and one page, at a terminal of `size`.
pub fn scroll_limits(log: &MessageLog, size: (u16, u16)) -> (usize, usize) {
    let l = layout(area_of(size));
    let total = lines(log, l.body.width as usize).len();
    let page = l.body.height as usize;
    (total.saturating_sub(page), page)
}
