//! orquestra-tx
