//! Seed case 7: a timestamp refreshed by a background thread.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

static CACHED: AtomicU64 = AtomicU64::new(0);
static INIT: Once = Once::new();

fn update_cached_timestamp() {
    CACHED.fetch_add(1, Ordering::Relaxed);
}

pub fn init() {
    INIT.call_once(|| {
        update_cached_timestamp();

        // Start background thread for periodic updates
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(100));
                update_cached_timestamp();
            }
        });
    });
}
