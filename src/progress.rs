//! The progress bar for long scans: files, bytes, MiB/s, findings, ETA.
//!
//! Shown only when stderr is a terminal (and not turned off), so logs and
//! CI output stay clean. The total is counted by a background walk of the
//! same paths, so scanning starts at once and the ETA firms up as the count
//! finishes.

use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(show: bool, paths: &[PathBuf]) -> Progress {
        if !show {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg} ETA {eta}",
            )
            .expect("a valid progress template"),
        );
        // Every frame names files and findings, from the first one on.
        bar.set_message("0 files, 0 findings");
        bar.enable_steady_tick(Duration::from_millis(200));
        let counter = bar.clone();
        let paths = paths.to_vec();
        std::thread::spawn(move || {
            for p in paths.iter().filter(|p| p.as_os_str() != "-") {
                for e in walkdir::WalkDir::new(p).into_iter().flatten() {
                    if e.file_type().is_file() {
                        counter.inc_length(e.metadata().map_or(0, |m| m.len()));
                    }
                }
            }
        });
        Progress { bar: Some(bar) }
    }

    /// One top-level input finished (scanned or skipped).
    pub fn done(&self, bytes: u64, files: u64, findings: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
            b.set_message(format!("{files} files, {findings} findings"));
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
