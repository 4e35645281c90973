//! The `?` overlay: every key. Two columns when one does not fit the height.

use super::text::pad;
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub const KEYS: &[(&str, &str)] = &[
    ("1 2 3 Tab", "switch views"),
    ("j k ↓ ↑", "move down / up"),
    ("PgDn PgUp", "page down / up"),
    ("Ctrl-d Ctrl-u", "half a page down / up"),
    ("g G", "top / bottom"),
    ("/ Esc", "filter / clear filter"),
    ("s S", "sort / reverse order"),
    ("U", "show / hide unnamed"),
    ("Enter → l", "expand / open in Gantt"),
    ("Space", "expand; mark a bar"),
    ("h l ← →", "earlier / later (Gantt)"),
    ("[ ]", "screen earlier / later"),
    ("z Z", "zoom: day, week, month"),
    ("p", "group person / project"),
    ("t", "back to today"),
    ("n e", "new / edit"),
    ("< >", "move the bar a bucket"),
    ("{ }", "move its end a bucket"),
    ("H", "hard ↔ soft"),
    ("s d", "split / delete"),
    ("v M", "scheduled / allocate"),
    ("u Ctrl-r", "undo / redo"),
    ("m f", "mine or all / status"),
    ("a r", "approve / reject"),
    ("b", "approve with top pick"),
    ("c A", "cancel / reassign"),
    ("N", "new staffing request"),
    ("R", "reload from backend"),
    ("Esc", "close, clear marks"),
    ("?", "this help"),
    ("L", "every message, in full"),
    ("q Ctrl-c", "quit"),
];

const KEY_W: usize = 15;
const DESC_W: usize = 23;

pub fn render(theme: &Theme, f: &mut Frame, area: Rect) {
    let one_col = KEYS.len() as u16 + 3 <= area.height;
    let columns = if one_col { 1 } else { 2 };
    let rows = KEYS.len().div_ceil(columns);
    let width = ((KEY_W + DESC_W) * columns + 2 + columns - 1).min(area.width as usize) as u16;
    let height = (rows as u16 + 3).min(area.height);
    if width < 4 || height < 3 {
        return;
    }
    let rect = super::form::centered(area, width, height);
    let entry = |i: usize| -> Vec<Span<'static>> {
        match KEYS.get(i) {
            Some((k, what)) => vec![
                Span::styled(pad(&format!(" {k}"), KEY_W), theme.header()),
                Span::raw(pad(what, DESC_W)),
            ],
            None => vec![],
        }
    };
    let mut lines: Vec<Line> = (0..rows)
        .map(|r| {
            let mut spans = entry(r);
            if columns == 2 {
                spans.push(Span::raw(" "));
                spans.extend(entry(r + rows));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::styled(" Esc or ? closes this help", theme.dim()));
    let block = Block::default().borders(Borders::ALL).title(" Keys ");
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}
