//! What every gRPC adapter shares: errors across gRPC, the client channel, request ids, and the
//! mapping of handler results to responses and back.
//!
//! A `resumax_core::Error` travels as a `tonic::Status` whose code is `ErrorCode::grpc_code()`,
//! whose message is the error's client-safe message, and whose `x-resumax-code` metadata is the
//! exact code. Several of our codes share one gRPC code, so the metadata is what lets the caller
//! rebuild the very error a local call would have returned.

use std::time::Duration;

use resumax_core::{Error, ErrorCode};
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Response, Status};

/// Metadata key holding our error code string (`not_found`, `parse_not_ready`, ...).
pub const RESUMAX_CODE_METADATA: &str = "x-resumax-code";
/// Metadata key holding the request id of the REST call that caused a gRPC call.
pub const REQUEST_ID_METADATA: &str = "x-request-id";
/// Largest message either side accepts. tonic's default of 4 MiB is below the 10 MiB job
/// description upload limit; the headroom covers the rest of the request around the file.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

// A peer that is down should fail the call quickly rather than hang the REST request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longer than any single call should take (a 10 MB upload, scoring a long resume).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

pub fn status_from_error(error: &Error) -> Status {
    let mut metadata = MetadataMap::new();
    metadata.insert(RESUMAX_CODE_METADATA, MetadataValue::from_static(error.code.as_str()));
    Status::with_metadata(Code::from(error.code.grpc_code()), error.message.clone(), metadata)
}

/// Rebuilds the error a resuMAX server sent. A status without our code comes from the transport
/// or from a layer in between (a proxy, tonic's own limits); it maps to the closest code, and its
/// message, which may name internals, goes to the log rather than to the client.
pub fn error_from_status(status: &Status) -> Error {
    let code = status
        .metadata()
        .get(RESUMAX_CODE_METADATA)
        .and_then(|value| value.to_str().ok())
        .and_then(ErrorCode::parse);
    if let Some(code) = code {
        return Error::new(code, status.message());
    }
    tracing::warn!(
        grpc_code = ?status.code(),
        message = status.message(),
        "grpc call failed without a resumax error code"
    );
    match status.code() {
        Code::InvalidArgument => Error::invalid_input(status.message()),
        Code::NotFound => Error::new(ErrorCode::NotFound, status.message()),
        Code::Unauthenticated => Error::new(ErrorCode::Unauthorized, status.message()),
        // tonic answers ResourceExhausted itself when a message exceeds the size limit.
        Code::ResourceExhausted => Error::new(ErrorCode::SizeExceeded, "message too large"),
        Code::DeadlineExceeded => Error::new(ErrorCode::Timeout, "peer service timed out"),
        // An unreachable peer is an infrastructure failure that keeps the request's state, like
        // storage being down: the same 503 and the same advice to retry.
        Code::Unavailable => Error::new(ErrorCode::StorageError, "peer service unavailable"),
        _ => Error::new(ErrorCode::Internal, "peer service call failed"),
    }
}

/// A channel to `endpoint` (`http://scoring:50051`) that connects on first use and reconnects
/// after failures, so a node can start before its peers.
pub fn connect_lazy(endpoint: String) -> Result<Channel, Error> {
    let endpoint = Endpoint::from_shared(endpoint.clone())
        .map_err(|_| Error::invalid_input(format!("not a valid gRPC endpoint: {endpoint:?}")))?
        .connect_timeout(CONNECT_TIMEOUT)
        // Every call has a deadline: a hung peer fails the call (`timeout`), never the caller.
        .timeout(CALL_TIMEOUT);
    Ok(endpoint.connect_lazy())
}

/// A request carrying the request id of the REST call in `x-request-id`, so the server's logs and
/// traces join the caller's. An id that is not valid header text is left out rather than failing
/// the call.
pub fn request_with_id<T>(message: T, request_id: &str) -> Request<T> {
    let mut request = Request::new(message);
    if !request_id.is_empty()
        && let Ok(value) = MetadataValue::try_from(request_id)
    {
        request.metadata_mut().insert(REQUEST_ID_METADATA, value);
    }
    request
}

/// The request id a caller sent in `x-request-id`, if any.
pub fn request_id_of<T>(request: &Request<T>) -> Option<String> {
    request.metadata().get(REQUEST_ID_METADATA).and_then(|value| value.to_str().ok()).map(str::to_string)
}

/// A server handler's result as gRPC sends it.
pub fn respond<T>(result: Result<T, Error>) -> Result<Response<T>, Status> {
    result.map(Response::new).map_err(|error| status_from_error(&error))
}

/// A client call's result as the core trait returns it.
pub fn unwrap_response<T>(result: Result<Response<T>, Status>) -> Result<T, Error> {
    result.map(Response::into_inner).map_err(|status| error_from_status(&status))
}

/// Converts a response message into the core value. A malformed response is the peer's fault,
/// not the caller's input, so it is an internal error rather than `invalid_input`.
pub fn decode_response<P, C>(message: P) -> Result<C, Error>
where
    C: TryFrom<P, Error = Error>,
{
    C::try_from(message).map_err(|error| Error::internal("decode peer response", error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_survives_a_status() {
        for code in ErrorCode::ALL {
            let error = Error::new(code, format!("{code} happened: ünïcode and \"quotes\""));
            let status = status_from_error(&error);
            assert_eq!(status.code() as i32, code.grpc_code());
            assert_eq!(error_from_status(&status), error);
        }
    }

    #[test]
    fn foreign_statuses_map_to_the_closest_code() {
        let unavailable = Status::unavailable("tcp connect error: connection refused");
        assert_eq!(error_from_status(&unavailable).code, ErrorCode::StorageError);
        let deadline = Status::deadline_exceeded("timeout");
        assert_eq!(error_from_status(&deadline).code, ErrorCode::Timeout);
        let unknown = Status::unknown("boom");
        let error = error_from_status(&unknown);
        assert_eq!(error.code, ErrorCode::Internal);
        assert!(!error.message.contains("boom"));
        let bad_code = Status::with_metadata(Code::NotFound, "gone", {
            let mut m = MetadataMap::new();
            m.insert(RESUMAX_CODE_METADATA, MetadataValue::from_static("nonsense"));
            m
        });
        assert_eq!(error_from_status(&bad_code), Error::new(ErrorCode::NotFound, "gone"));
    }

    #[test]
    fn endpoint_must_be_a_uri() {
        let error = connect_lazy("not a uri".to_string()).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
    }
}
