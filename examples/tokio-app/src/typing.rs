//! Seed case 9: a cleanup loop whose period is read anew every round.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub fn start_cleanup(every: Duration) {
    let cleanup_interval_nanos = Arc::new(AtomicU64::new(every.as_nanos() as u64));
    std::thread::spawn(move || {
        loop {
            let cleanup_interval = Duration::from_nanos(cleanup_interval_nanos.load(Ordering::Acquire));
            std::thread::sleep(cleanup_interval);
            println!("cleaning up expired typing states");
        }
    });
}
