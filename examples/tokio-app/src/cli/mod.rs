//! Seed case 4 (a blocking channel receiver) and the `block_on` pitfall.
use std::sync::mpsc;

pub async fn wait_for_shutdown() {
    let (shutdown_tx, shutdown_rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if shutdown_rx.recv().is_ok() {
            eprintln!("\nShutdown signal received, draining pools...");
        }
    });
    shutdown_tx.send(()).unwrap();
}

async fn sum(values: Vec<u32>) -> u32 {
    values.into_iter().sum()
}

pub async fn run_batch(values: Vec<u32>) -> u32 {
    futures::executor::block_on(sum(values))
}
