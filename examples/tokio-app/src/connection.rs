//! Seed case 8: a health check that sleeps at the end of each round.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub fn start_health_check() {
    let running = Arc::new(AtomicBool::new(true));
    std::thread::spawn(move || {
        println!("Health check thread started...");

        while running.load(Ordering::Acquire) {
            println!("checking connections");

            std::thread::sleep(Duration::from_secs(1));
        }
    });
}
