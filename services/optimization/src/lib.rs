//! Optimization service: runs, worker, diffs, versions
