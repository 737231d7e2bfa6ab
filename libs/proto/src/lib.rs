//! Generated protobuf and gRPC code, and conversions to and from the domain types
