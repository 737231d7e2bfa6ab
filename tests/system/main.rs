//! System tests: spawn the real `resumax` binary on port 0 with a temporary data directory, on the
//! embedded backends and on the production ones (PostgreSQL, NATS JetStream, S3), and talk to it
//! over HTTP (and gRPC) only.

mod cli;
mod credits;
mod errors;
mod fake_ai;
mod fixtures;
mod flow;
mod grpc;
mod helpers;
mod hostile;
mod mesh;
mod openapi;
mod outage;
mod providers;
mod restart;
mod terminal;
mod walkthrough;
mod web;
