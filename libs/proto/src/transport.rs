//! What every gRPC adapter shares: errors across gRPC, the client channel, request ids, trace
//! context, and the mapping of handler results to responses and back.
//!
//! A `resumax_core::Error` travels as a `tonic::Status` whose code is `ErrorCode::grpc_code()`,
//! whose message is the error's client-safe message, and whose `x-resumax-code` metadata is the
//! exact code. Several of our codes share one gRPC code, so the metadata is what lets the caller
//! rebuild the very error a local call would have returned.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::Duration;

use resumax_core::{Error, ErrorCode};
use resumax_telemetry::TraceContext;
use tonic::codegen::{Service, http};
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::server::NamedService;
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Response, Status};
use tracing::Instrument;

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

/// The credential of this process's mesh: every internal gRPC call carries it (`authorization:
/// Bearer <token>`) and every resuMAX gRPC server refuses a call without it, so the gRPC port
/// gives nothing (no resume, no contact details) to a caller that is not one of our processes.
/// The binary sets it once at start (`RESUMAX_SERVICE_TOKEN`, or generated into the data dir);
/// a process that never sets it (a library's own tests) neither sends nor checks one.
static SERVICE_TOKEN: OnceLock<String> = OnceLock::new();

/// Sets the mesh credential; a second, different token is refused (one process, one mesh).
pub fn set_service_token(token: &str) -> Result<(), Error> {
    let token = token.trim();
    if token.len() < 32 {
        return Err(Error::invalid_input("RESUMAX_SERVICE_TOKEN must be at least 32 characters"));
    }
    let set = SERVICE_TOKEN.get_or_init(|| token.to_string());
    if set != token {
        return Err(Error::invalid_input("a different service token is already set in this process"));
    }
    Ok(())
}

/// Whether a call's `authorization` header carries the mesh credential (compared in constant
/// time, so the answer's timing does not leak how much of a guess was right).
fn carries_service_token(headers: &http::HeaderMap) -> bool {
    let Some(expected) = SERVICE_TOKEN.get() else {
        return true;
    };
    let presented = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    presented.len() == expected.len()
        && presented.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The client side of trace propagation: puts the W3C context of the span current at the call
/// (`traceparent`, `tracestate`) into the request metadata, and the mesh credential. Nothing is
/// added for traces when export is off.
#[derive(Debug, Clone, Copy, Default)]
pub struct InjectTraceContext;

impl Interceptor for InjectTraceContext {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        // The generated client runs this while the caller's future is polled, so the current span
        // is the caller's.
        for (key, value) in resumax_telemetry::current_trace_context() {
            if let (Ok(key), Ok(value)) =
                (MetadataKey::from_bytes(key.as_bytes()), MetadataValue::try_from(value))
            {
                request.metadata_mut().insert(key, value);
            }
        }
        if let Some(token) = SERVICE_TOKEN.get()
            && let Ok(value) = MetadataValue::try_from(format!("Bearer {token}"))
        {
            request.metadata_mut().insert("authorization", value);
        }
        Ok(request)
    }
}

/// The channel every gRPC client uses: calls carry the caller's trace context.
pub type TracedChannel = InterceptedService<Channel, InjectTraceContext>;

pub fn traced(channel: Channel) -> TracedChannel {
    InterceptedService::new(channel, InjectTraceContext)
}

/// The trace context a caller sent in its headers (gRPC metadata are HTTP/2 headers).
pub fn trace_context_of(headers: &http::HeaderMap) -> TraceContext {
    resumax_telemetry::otel::trace_context_from(|name| headers.get(name)?.to_str().ok())
}

/// The server side of trace propagation: wraps a generated tonic server so each call runs in a
/// `grpc_request` span whose parent is the caller's span (from `traceparent`), and the handler's
/// logs carry the request id.
#[derive(Debug, Clone)]
pub struct Traced<S> {
    inner: S,
}

impl<S> Traced<S> {
    pub fn new(inner: S) -> Self {
        Traced { inner }
    }
}

impl<S: NamedService> NamedService for Traced<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, B> Service<http::Request<B>> for Traced<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        // `/resumax.scoring.v1.ScoringService/ScoreResume` names the span as OpenTelemetry's RPC
        // conventions do: `resumax.scoring.v1.ScoringService/ScoreResume`.
        let method = request.uri().path().trim_start_matches('/');
        let request_id =
            request.headers().get(REQUEST_ID_METADATA).and_then(|v| v.to_str().ok()).unwrap_or("");
        let span = tracing::info_span!("grpc_request", otel.name = method, otel.kind = "server", request_id);
        resumax_telemetry::set_parent(&span, &trace_context_of(request.headers()));
        if !carries_service_token(request.headers()) {
            let _entered = span.enter();
            tracing::warn!(method, "grpc call without the service token refused");
            let refused = Status::unauthenticated("this port serves resuMAX services only").into_http();
            return Box::pin(std::future::ready(Ok(refused)));
        }
        Box::pin(self.inner.call(request).instrument(span))
    }
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
        for &code in ErrorCode::ALL {
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

    /// A server that reports the span its handler runs in.
    struct SpanReporter(tokio::sync::mpsc::UnboundedSender<(String, Option<String>, Option<String>)>);

    #[tonic::async_trait]
    impl crate::gateway::v1::gateway_service_server::GatewayService for SpanReporter {
        async fn get_server_info(
            &self,
            _request: Request<crate::gateway::v1::GetServerInfoRequest>,
        ) -> Result<Response<crate::gateway::v1::GetServerInfoResponse>, Status> {
            let span = tracing::Span::current();
            let name = span.metadata().map(|m| m.name().to_string()).unwrap_or_default();
            let _ = self.0.send((
                name,
                resumax_telemetry::trace_id(&span),
                resumax_telemetry::otel::span_id(&span),
            ));
            Ok(Response::new(Default::default()))
        }
    }

    #[tokio::test]
    async fn a_call_continues_the_callers_trace_on_the_server() {
        use crate::gateway::v1::gateway_service_client::GatewayServiceClient;
        use crate::gateway::v1::gateway_service_server::GatewayServiceServer;

        // Current-thread runtime: client, server and handler all run under this thread's subscriber.
        let _guard = resumax_telemetry::otel::testing::trace_ids_for_this_thread();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (sender, mut seen) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(Traced::new(GatewayServiceServer::new(SpanReporter(sender))))
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
        );
        let mut client =
            GatewayServiceClient::new(traced(connect_lazy(format!("http://{address}")).unwrap()));

        let caller = tracing::info_span!("http_request");
        client
            .get_server_info(crate::gateway::v1::GetServerInfoRequest::default())
            .instrument(caller.clone())
            .await
            .unwrap();
        let (name, trace, span) = seen.recv().await.unwrap();
        assert_eq!(name, "grpc_request");
        assert_eq!(trace, resumax_telemetry::trace_id(&caller), "the handler is in the caller's trace");
        assert_ne!(span, resumax_telemetry::otel::span_id(&caller), "in a span of its own");

        // A call outside any span starts a trace of its own on the server.
        client.get_server_info(crate::gateway::v1::GetServerInfoRequest::default()).await.unwrap();
        let (_, unrelated, _) = seen.recv().await.unwrap();
        assert!(unrelated.is_some());
        assert_ne!(unrelated, resumax_telemetry::trace_id(&caller));
    }

    #[test]
    fn trace_context_is_read_from_headers() {
        let mut headers = http::HeaderMap::new();
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        headers.insert("traceparent", traceparent.parse().unwrap());
        headers.insert("x-request-id", "r-1".parse().unwrap());
        let context = trace_context_of(&headers);
        assert_eq!(context.len(), 1);
        assert_eq!(context["traceparent"], traceparent);
    }

    #[test]
    fn endpoint_must_be_a_uri() {
        let error = connect_lazy("not a uri".to_string()).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
    }
}
