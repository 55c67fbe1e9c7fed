//! Seed case 1, the use site: work sent to the shared runtime.
pub async fn route(request: String) {
    let Some(runtime) = crate::runtime::shared_runtime() else {
        return;
    };
    runtime.spawn(async move {
        println!("routing {request}");
    });
}
