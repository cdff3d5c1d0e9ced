//! The progress bar on a terminal (position, fps, speed, ETA), and nothing otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::Counts;

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    last_drawn: Option<Instant>,
}

impl Progress {
    /// A bar over `duration_us` of input when stderr is a terminal; hidden otherwise.
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

    pub fn is_visible(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// Updates the bar, at most ten times a second.
    pub fn update(&mut self, counts: &Counts) {
        if self.bar.is_hidden()
            || self
                .last_drawn
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last_drawn = Some(Instant::now());
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-6);
        let position = counts.position_us as f64 / 1e6;
        self.bar
            .set_position((counts.position_us.max(0) / 1000) as u64);
        self.bar.set_message(format!(
            "{} frame {} {:.0} fps {:.2}x",
            clock(position),
            counts.video_frames,
            counts.video_frames as f64 / elapsed,
            position / elapsed
        ));
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
