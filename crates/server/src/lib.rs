//! orquestra-server
