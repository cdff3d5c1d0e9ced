//! Progress: a bar on a terminal (position, fps, speed, ETA); elsewhere (a script, a log
//! file) a plain line every few seconds, as the CLI prints its statistics.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::Counts;

/// How often a line is printed where stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    last_drawn: Option<Instant>,
}

impl Progress {
    /// A bar over `duration_us` of input when stderr is a terminal; lines otherwise.
    pub fn new(duration_us: Option<i64>) -> Progress {
        let visible = std::io::stderr().is_terminal();
        let length = duration_us.map_or(0, |us| (us.max(0) / 1000) as u64);
        let bar = if visible {
            ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{bar:30.cyan/blue} {msg} ETA {eta}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        Progress {
            bar,
            started: Instant::now(),
            last_drawn: None,
        }
    }

    /// Updates the bar at most ten times a second, or prints a line every few seconds.
    pub fn update(&mut self, counts: &Counts) {
        let every = if self.bar.is_hidden() {
            LINE_EVERY
        } else {
            Duration::from_millis(100)
        };
        let since = self.last_drawn.unwrap_or(self.started);
        if since.elapsed() < every {
            return;
        }
        self.last_drawn = Some(Instant::now());
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-6);
        let position = counts.position_us as f64 / 1e6;
        let status = format!(
            "{} frame {} {:.0} fps {:.2}x",
            clock(position),
            counts.video_frames,
            counts.video_frames as f64 / elapsed,
            position / elapsed
        );
        if self.bar.is_hidden() {
            eprintln!("transcode: {status}");
        } else {
            self.bar
                .set_position((counts.position_us.max(0) / 1000) as u64);
            self.bar.set_message(status);
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `h:mm:ss.ss`.
pub fn clock(seconds: f64) -> String {
    let whole = seconds.max(0.0);
    let hours = (whole / 3600.0) as u64;
    let minutes = ((whole % 3600.0) / 60.0) as u64;
    format!("{hours}:{minutes:02}:{:05.2}", whole % 60.0)
}
