//! Generated protobuf and gRPC code, and conversions to and from the domain types.
//!
//! Modules follow the proto packages: `resumax.parsing.v1` is [`parsing::v1`], and so on.
//! [`convert`] maps between these messages and the `resumax_core` types; [`status_from_error`]
//! and [`error_from_status`] carry a `resumax_core::Error` across gRPC unchanged.

pub mod convert;
pub mod server_info;
mod transport;

pub use transport::{
    InjectTraceContext, MAX_MESSAGE_BYTES, REQUEST_ID_METADATA, RESUMAX_CODE_METADATA, Traced, TracedChannel,
    connect_lazy, decode_response, error_from_status, request_id_of, request_with_id, respond,
    set_service_token, status_from_error, trace_context_of, traced, unwrap_response,
};

/// The encoded `FileDescriptorSet` of every resuMAX proto, for tonic-reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/resumax_descriptor.bin"));

// Generated code is not ours to lint: it follows prost's conventions, not the workspace's.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod common {
    pub mod v1 {
        tonic::include_proto!("resumax.common.v1");
    }
}

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod gateway {
    pub mod v1 {
        tonic::include_proto!("resumax.gateway.v1");
    }
}

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod parsing {
    pub mod v1 {
        tonic::include_proto!("resumax.parsing.v1");
    }
}

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod scoring {
    pub mod v1 {
        tonic::include_proto!("resumax.scoring.v1");
    }
}

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod optimization {
    pub mod v1 {
        tonic::include_proto!("resumax.optimization.v1");
    }
}

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod export {
    pub mod v1 {
        tonic::include_proto!("resumax.export.v1");
    }
}

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod queue {
    pub mod v1 {
        tonic::include_proto!("resumax.queue.v1");
    }
}
