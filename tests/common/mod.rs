//! Runs the real `allot` binary in a pseudo-terminal and reads its screen through vt100, and
//! builds demo states for view tests.

#![allow(dead_code)]

pub mod demo;
pub mod sandbox;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long to wait for a screen condition before failing (generous for a loaded CI machine).
const WAIT: Duration = Duration::from_secs(20);

pub struct PtyApp {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the app wrote, as read so far.
    output: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    _reader: std::thread::JoinHandle<()>,
}

impl PtyApp {
    /// Starts `allot` with `args` in a `cols`x`rows` terminal, its data dir inside `home`.
    pub fn spawn(args: &[&str], cols: u16, rows: u16, home: &Path, env: &[(&str, &str)]) -> PtyApp {
        PtyApp::spawn_over(args, cols, rows, home, env, None)
    }

    /// [`PtyApp::spawn`] over a link that carries at most `bytes_per_second` of the app's output
    /// (`None`: as fast as it comes), as a slow SSH connection would.
    pub fn spawn_over(
        args: &[&str],
        cols: u16,
        rows: u16,
        home: &Path,
        env: &[(&str, &str)],
        bytes_per_second: Option<usize>,
    ) -> PtyApp {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_allot"));
        cmd.args(args);
        cmd.cwd(home);
        cmd.env("ALLOT_DATA_DIR", home.join("data"));
        cmd.env("ALLOT_CONFIG", home.join("config.toml"));
        cmd.env_remove("ALLOT_PROFILE");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("ALLOT_TODAY");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn allot");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let sink = parser.clone();
        let output = Arc::new(Mutex::new(Vec::new()));
        let log = output.clone();
        // Drain the pty continuously (a full pty buffer blocks the app's writes), or at the
        // link's pace: small reads, each followed by the time the link takes to carry it.
        let handle = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            let chunk = bytes_per_second.map_or(buf.len(), |r| (r / 20).clamp(1, buf.len()));
            let (start, mut carried) = (Instant::now(), 0usize);
            loop {
                match reader.read(&mut buf[..chunk]) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if let Some(rate) = bytes_per_second {
                            carried += n;
                            let at = start + Duration::from_secs_f64(carried as f64 / rate as f64);
                            std::thread::sleep(at.saturating_duration_since(Instant::now()));
                        }
                        sink.lock().expect("parser lock").process(&buf[..n]);
                        log.lock()
                            .expect("output lock")
                            .extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        PtyApp {
            parser,
            output,
            writer,
            child,
            master: pair.master,
            _reader: handle,
        }
    }

    /// Starts `allot --demo` pinned to 2026-11-23 on a fresh database inside `home`.
    pub fn demo(home: &Path, cols: u16, rows: u16, env: &[(&str, &str)]) -> PtyApp {
        let db = home.join("demo.db");
        let args = [
            "--demo",
            "--today",
            "2026-11-23",
            "--db",
            db.to_str().expect("utf-8 path"),
        ];
        PtyApp::spawn(&args, cols, rows, home, env)
    }

    /// The demo as an approver over SSH sees it: 80x24, TERM=screen, NO_COLOR=1, loaded.
    pub fn demo_over_ssh(home: &Path) -> PtyApp {
        let app = PtyApp::demo(home, 80, 24, &[("NO_COLOR", "1"), ("TERM", "screen")]);
        app.wait_for_text("● Aisha Rahman");
        app
    }

    /// Resizes the terminal, as a user dragging the window would.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // The emulator first, so the redraw the resize causes is read at the new size.
        self.parser
            .lock()
            .expect("parser lock")
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    /// Every byte the app wrote that the terminal has received so far.
    pub fn output(&self) -> Vec<u8> {
        self.output.lock().expect("output lock").clone()
    }

    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    /// Waits until the screen satisfies `pred`, failing with the screen if it never does.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Where the terminal cursor is, (row, column), or `None` while it is hidden.
    pub fn cursor(&self) -> Option<(u16, u16)> {
        let parser = self.parser.lock().expect("parser lock");
        let screen = parser.screen();
        (!screen.hide_cursor()).then(|| screen.cursor_position())
    }

    pub fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?}"), |s| s.contains(text))
    }

    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// The process id, to send it signals.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a running child")
    }

    /// Sends signal `name` (HUP, TERM, KILL…) to allot, as a dropped connection or `kill` would.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Each thread's name and what it waits on in the kernel (Linux), to tell where a process
    /// that will not exit is stuck.
    fn threads(&self) -> String {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", self.pid())) else {
            return "(no /proc entry)".into();
        };
        tasks
            .flatten()
            .map(|t| {
                let read = |f: &str| std::fs::read_to_string(t.path().join(f)).unwrap_or_default();
                format!("{} {}", read("comm").trim(), read("wchan"))
            })
            .collect::<Vec<_>>()
            .join("\n")
            + &std::process::Command::new("gdb")
                .args([
                    "-p",
                    &self.pid().to_string(),
                    "-batch",
                    "-ex",
                    "thread apply all bt 25",
                ])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default()
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll child") {
                return status.exit_code();
            }
            if Instant::now() > deadline {
                // The screen first: killing it restores the terminal (a blank screen).
                let screen = self.screen();
                let threads = self.threads();
                let _ = self.child.kill();
                panic!("allot did not exit; its threads were:\n{threads}\nscreen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}
