//! AI provider trait, the offline rewriter and the truthfulness guard
