//! A small tokio service that still carries the habits of a threaded one:
//! every pattern of the "100% tokio" migration guide is in here once.
mod cache;
mod cli;
mod config;
mod connection;
mod pool;
mod runtime;
mod tool;
mod typing;

#[tokio::main]
async fn main() {
    cache::init();
    config::install_validators(&config::Manager::default());
    let pressure = pool::Governor::default();
    pressure.start_pressure_monitor();
    connection::start_health_check();
    typing::start_cleanup(std::time::Duration::from_millis(50));
    tool::route("ping".to_string()).await;
    let total = cli::run_batch(vec![1, 2, 3]).await;
    println!("total = {total}");
    cli::wait_for_shutdown().await;
}
