//! Helpers the benchmark binaries share.

// Each bench uses only some of them.
#![allow(dead_code)]

use std::time::Duration;

/// A build's wall time and the CPU time (user + system) of cargo and the
/// compilers it ran: on a loaded machine the CPU time is the steadier measure.
#[derive(Clone, Copy)]
pub struct Timed {
    pub wall: Duration,
    pub cpu: Duration,
}

impl Timed {
    pub fn ratio(self, base: Timed) -> String {
        format!(
            "{:.2} (CPU {:.2})",
            self.wall.as_secs_f64() / base.wall.as_secs_f64(),
            self.cpu.as_secs_f64() / base.cpu.as_secs_f64().max(1e-9)
        )
    }

    pub fn show(self) -> String {
        format!(
            "{:>6.1} s (CPU {:>6.1} s)",
            self.wall.as_secs_f64(),
            self.cpu.as_secs_f64()
        )
    }
}

/// The CPU time of this process's waited-for children so far, from
/// `/proc/self/stat` (cutime + cstime, in the usual 100 ticks a second); zero
/// where there is no such file.
pub fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 16 and 17 of the line; `after_name` starts at field 3.
    let ticks: u64 = [13, 14]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}
