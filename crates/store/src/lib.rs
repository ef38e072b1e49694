//! orquestra-store
