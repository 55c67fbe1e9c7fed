//! Seed case 1: a second, home-made runtime next to the one `#[tokio::main]` runs.
use std::sync::OnceLock;
use tokio::runtime::Runtime;

static SHARED_RUNTIME: OnceLock<Option<Runtime>> = OnceLock::new();

pub fn shared_runtime() -> Option<&'static Runtime> {
    SHARED_RUNTIME
        .get_or_init(|| std::thread::spawn(|| Runtime::new().ok()).join().ok().flatten())
        .as_ref()
}
