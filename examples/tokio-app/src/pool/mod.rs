//! Seed case 3: a background monitor thread that sleeps in a loop.
use std::sync::{Arc, RwLock};
use std::time::Duration;

#[derive(Clone)]
pub struct Governor {
    pressure: Arc<RwLock<u32>>,
    check_every: Duration,
}

impl Default for Governor {
    fn default() -> Self {
        Governor { pressure: Arc::new(RwLock::new(0)), check_every: Duration::from_millis(100) }
    }
}

impl Governor {
    pub fn start_pressure_monitor(&self) {
        let governor = self.clone();
        let interval = self.check_every;

        std::thread::spawn(move || {
            loop {
                std::thread::sleep(interval);
                let mut p = governor.pressure.write().unwrap();
                *p = p.wrapping_add(1);
            }
        });
    }
}
