//! Scoring service: deterministic, explainable alignment score and match report
