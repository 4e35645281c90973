//! Plain-text tables: columns padded to their widest cell, two spaces apart.

use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Writes `rows` (the first is the header) aligned; `right[i]` aligns column `i` right.
pub fn write<const N: usize>(
    out: &mut dyn Write,
    rows: &[[String; N]],
    right: &[bool; N],
) -> io::Result<()> {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[i] - cell.width());
            if right[i] {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.push_str(&pad);
                }
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
