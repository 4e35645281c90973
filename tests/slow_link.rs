//! Over a slow link keys pile up while the screen drains: a burst of them must cost one frame,
//! not one per key. The real binary in a PTY whose output is carried at 2 KB/s, read through
//! vt100; what is asserted is bytes, never time (the time is printed, for the README).

mod common;

use common::PtyApp;
use std::time::Instant;

/// The link: 2 KB/s, a poor mobile connection.
const RATE: usize = 2048;
/// The end of each frame (synchronized output ends).
const FRAME_END: &[u8] = b"\x1b[?2026l";

fn frames(bytes: &[u8]) -> usize {
    bytes
        .windows(FRAME_END.len())
        .filter(|w| *w == FRAME_END)
        .count()
}

/// Sends `keys` in one write and waits until the screen satisfies `done` and a frame has
/// arrived whole; the bytes received since `keys` were sent (`since`: an earlier mark).
fn send_and_wait(
    app: &mut PtyApp,
    keys: &str,
    what: &str,
    done: impl Fn(&str) -> bool,
    since: Option<(usize, Instant)>,
) -> (usize, f64) {
    let (before, t) = since.unwrap_or_else(|| (app.output().len(), Instant::now()));
    let sent = app.output().len();
    app.send(keys);
    app.wait_for(what, |screen| {
        let out = app.output();
        done(screen) && out.len() > sent && out.ends_with(FRAME_END)
    });
    let after = app.output();
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "{keys:?}: {} bytes, {} frame(s) so far, {secs:.2} s",
        after.len() - before,
        frames(&after[before..]),
    );
    (after.len() - before, secs)
}

fn gantt(s: &str) -> bool {
    s.contains("Resource           │")
}

fn resources(s: &str) -> bool {
    s.contains("Cap/wk This wk")
}

/// The Gantt view with the second row selected (`j`) or the first (`k`).
fn on_second(s: &str) -> bool {
    gantt(s) && s.contains("Amara Nwosu · week")
}

fn on_first(s: &str) -> bool {
    gantt(s) && s.contains("Aisha Rahman · week")
}

#[test]
fn a_burst_of_four_keys_over_a_slow_link_writes_about_one_frame() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("demo.db");
    let args = [
        "--demo",
        "--today",
        "2026-11-23",
        "--db",
        db.to_str().unwrap(),
    ];
    let env = [("TERM", "screen"), ("NO_COLOR", "1")];
    let mut app = PtyApp::spawn_over(&args, 80, 24, home.path(), &env, Some(RATE));
    app.wait_for("the Resources view, loaded", |s| {
        resources(s) && s.contains("Aisha Rahman")
    });
    // The first visit to Gantt loads more (two frames); after it, one view change alone is what
    // one frame of it costs.
    send_and_wait(&mut app, "2", "the Gantt view", on_first, None);
    send_and_wait(&mut app, "1", "the Resources view", resources, None);
    let (one, _) = send_and_wait(&mut app, "2", "the Gantt view", on_first, None);
    send_and_wait(&mut app, "1", "the Resources view", resources, None);

    // 2 3 1 2 in one read: Gantt, Requests, Resources, Gantt. The first frame may already show
    // Gantt, so the end is marked by one more key sent once Gantt shows (`j`): its frame comes
    // after every frame of the burst. What `j` alone costs is then taken off.
    let mark = (app.output().len(), Instant::now());
    app.send("2312");
    app.wait_for("the Gantt view after the burst", gantt);
    let (with_j, secs) = send_and_wait(&mut app, "j", "the second row", on_second, Some(mark));
    let (k, _) = send_and_wait(&mut app, "k", "the first row", on_first, None);
    let burst = with_j.saturating_sub(k);
    eprintln!(
        "80x24 at {RATE} B/s: one view change {one} bytes; \"2312\" {burst} bytes, settled in \
         {secs:.1} s (less the `j` marker)"
    );
    assert!(
        burst * 2 < one * 3,
        "a burst of 4 keys wrote {burst} bytes, one view change {one}: more than one frame's worth"
    );
    app.send("q");
    app.wait_exit();
}
