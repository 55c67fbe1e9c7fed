//! Seed case 6: a thread spawned just to insert into a map.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Default)]
pub struct Manager {
    pub validation_rules: Arc<RwLock<HashMap<String, u32>>>,
}

pub fn install_validators(manager: &Manager) {
    let validation_rules = manager.validation_rules.clone();
    std::thread::spawn(move || {
        let mut rules = validation_rules.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        rules.insert("personality".into(), 1);
        rules.insert("behavior".into(), 2);
    });
}
