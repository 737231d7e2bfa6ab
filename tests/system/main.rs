//! System tests: spawn the real `resumax` binary (the whole node, embedded backends) on port 0
//! with a temporary data directory and talk to it over HTTP only.

mod errors;
mod flow;
mod grpc;
mod helpers;
mod restart;
