//! Writes a row of text straight into the frame buffer, left to right, clipped to an area.
//!
//! The big grids (Gantt, Resources) are drawn this way rather than through `Paragraph`: text whose
//! every character is one column wide takes a fast path of one `set_char` per cell; anything
//! else (wide or combining characters in names) goes through ratatui's grapheme-aware writer.

use super::text::{pad, pad_left};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthChar;

pub struct Pen<'a> {
    buf: &'a mut Buffer,
    x: u16,
    y: u16,
    right: u16,
}

fn single_width(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_graphic() || c == ' ' || c.width() == Some(1))
}

impl<'a> Pen<'a> {
    /// A pen at the start of line `row` of `area` (nothing is written if the row is outside).
    pub fn new(buf: &'a mut Buffer, area: Rect, row: u16) -> Pen<'a> {
        let area = area.intersection(buf.area);
        let y = area.y.saturating_add(row);
        let right = if y < area.bottom() {
            area.right()
        } else {
            area.x
        };
        Pen {
            buf,
            x: area.x,
            y,
            right,
        }
    }

    pub fn x(&self) -> u16 {
        self.x
    }

    fn room(&self) -> usize {
        self.right.saturating_sub(self.x) as usize
    }

    /// Writes `s` as it is (each char one cell).
    pub fn raw(&mut self, s: &str, style: Style) {
        if !single_width(s) {
            let room = self.room();
            let (x, _) = self.buf.set_stringn(self.x, self.y, s, room, style);
            self.x = x.min(self.right);
            return;
        }
        for c in s.chars() {
            if self.x >= self.right {
                return;
            }
            if let Some(cell) = self.buf.cell_mut((self.x, self.y)) {
                cell.set_char(c).set_style(style);
            }
            self.x += 1;
        }
    }

    /// Writes one char `n` times.
    pub fn repeat(&mut self, c: char, n: usize, style: Style) {
        for _ in 0..n {
            if self.x >= self.right {
                return;
            }
            if let Some(cell) = self.buf.cell_mut((self.x, self.y)) {
                cell.set_char(c).set_style(style);
            }
            self.x += 1;
        }
    }

    /// Writes `s` in exactly `width` columns: cut with '…' or padded with spaces.
    pub fn text(&mut self, s: &str, width: usize, style: Style) {
        if single_width(s) {
            let n = s.chars().count();
            if n <= width {
                self.raw(s, style);
                self.repeat(' ', width - n, style);
            } else if width > 0 {
                for c in s.chars().take(width - 1) {
                    self.repeat(c, 1, style);
                }
                self.repeat('…', 1, style);
            }
        } else {
            self.raw(&pad(s, width), style);
        }
    }

    /// Writes `s` right-aligned in `width` columns.
    pub fn text_right(&mut self, s: &str, width: usize, style: Style) {
        let n = s.chars().count();
        if single_width(s) && n <= width {
            self.repeat(' ', width - n, style);
            self.raw(s, style);
        } else {
            self.raw(&pad_left(s, width), style);
        }
    }

    /// A table cell: `s` in `width` columns whose last is always a space.
    pub fn cell(&mut self, s: &str, width: usize, style: Style) {
        if width == 0 {
            return;
        }
        self.text(s, width - 1, style);
        self.repeat(' ', 1, style);
    }

    /// Fills the rest of the line.
    pub fn fill(&mut self, style: Style) {
        let n = self.room();
        self.repeat(' ', n, style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect()
    }

    #[test]
    fn writes_clips_and_pads() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 2));
        let mut pen = Pen::new(&mut buf, Rect::new(0, 0, 12, 2), 0);
        pen.text("Resources", 5, Style::default());
        pen.text_right("7h", 4, Style::default());
        pen.raw("▲▲▲▲▲", Style::default());
        assert_eq!(line(&buf, 0), "Reso…  7h▲▲▲");
    }

    #[test]
    fn wide_and_combining_text_takes_the_grapheme_path() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        let mut pen = Pen::new(&mut buf, Rect::new(0, 0, 8, 1), 0);
        pen.text("山田太郎", 5, Style::default());
        pen.text("e\u{301}x", 3, Style::default());
        assert_eq!(pen.x(), 8);
        assert_eq!(buf[(0, 0)].symbol(), "山");
        assert_eq!(buf[(5, 0)].symbol(), "e\u{301}");
    }

    #[test]
    fn rows_outside_the_area_write_nothing() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        let mut pen = Pen::new(&mut buf, Rect::new(0, 0, 4, 1), 3);
        pen.raw("abcd", Style::default());
        assert_eq!(line(&buf, 0), "    ");
    }
}
