//! The OTLP/gRPC exporter against a real collector: a tonic server implementing OpenTelemetry's
//! `TraceService` on 127.0.0.1:0. One trace enters over HTTP (`traceparent`), crosses a gRPC hop
//! and a queued job, and must arrive at the collector as one tree under the caller's span.

use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span as OtlpSpan;
use resumax_telemetry::otel::{self, TraceContext};
use tokio::sync::mpsc;
use tonic::{Request, Response, Status};
use tracing_subscriber::layer::SubscriberExt;

struct Collector(mpsc::UnboundedSender<ExportTraceServiceRequest>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let _ = self.0.send(request.into_inner());
        Ok(Response::new(ExportTraceServiceResponse { partial_success: None }))
    }
}

async fn collector() -> (String, mpsc::UnboundedReceiver<ExportTraceServiceRequest>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(Collector(sender)))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    (format!("http://{address}"), receiver)
}

const REMOTE_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const REMOTE_SPAN: &str = "00f067aa0ba902b7";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn spans_reach_a_real_collector_as_one_trace() {
    let (endpoint, mut exported) = collector().await;
    let provider = otel::otlp_tracer_provider(Some(&endpoint), "resumax-test").unwrap();
    let subscriber = tracing_subscriber::registry().with(otel::layer(&provider));

    tracing::subscriber::with_default(subscriber, || {
        // What the gateway does with an incoming `traceparent`.
        let incoming =
            TraceContext::from([("traceparent".to_string(), format!("00-{REMOTE_TRACE}-{REMOTE_SPAN}-01"))]);
        let http = tracing::info_span!("http_request", path = "/resumes");
        otel::set_parent(&http, &incoming);
        // A gRPC call and a published job each carry the context as text, like the wire does.
        let over_grpc = http.in_scope(otel::current_trace_context);
        let grpc = tracing::info_span!(parent: None, "grpc_request", otel.kind = "server");
        otel::set_parent(&grpc, &over_grpc);
        let with_job = grpc.in_scope(otel::current_trace_context);
        let job = tracing::info_span!(parent: None, "parse_job");
        otel::set_parent(&job, &with_job);
        job.in_scope(|| tracing::info!("parsed"));
    });

    // The batch processor exports from its own thread through the tonic channel, whose
    // connection task runs on this runtime: flush from the blocking pool so the runtime is free.
    let flushing = provider.clone();
    tokio::task::spawn_blocking(move || flushing.force_flush())
        .await
        .unwrap()
        .expect("flush to the collector");

    let mut spans: Vec<OtlpSpan> = Vec::new();
    let mut service_names = Vec::new();
    while spans.len() < 3 {
        let request = tokio::time::timeout(Duration::from_secs(10), exported.recv())
            .await
            .expect("an export in time")
            .expect("collector running");
        for resource_spans in request.resource_spans {
            let resource = resource_spans.resource.unwrap_or_default();
            for attribute in resource.attributes.iter().filter(|a| a.key == "service.name") {
                if let Some(Value::StringValue(name)) = attribute.value.as_ref().and_then(|v| v.value.clone())
                {
                    service_names.push(name);
                }
            }
            spans.extend(resource_spans.scope_spans.into_iter().flat_map(|scope| scope.spans));
        }
    }
    assert_eq!(service_names.first().map(String::as_str), Some("resumax-test"));
    let find =
        |name: &str| spans.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("{name} exported"));
    let (http, grpc, job) = (find("http_request"), find("grpc_request"), find("parse_job"));
    for span in [http, grpc, job] {
        assert_eq!(hex(&span.trace_id), REMOTE_TRACE, "{} is in the caller's trace", span.name);
    }
    assert_eq!(hex(&http.parent_span_id), REMOTE_SPAN);
    assert_eq!(grpc.parent_span_id, http.span_id);
    assert_eq!(job.parent_span_id, grpc.span_id);
    // `otel.kind` becomes the span kind (2 = server).
    assert_eq!(grpc.kind, 2);
    assert!(job.events.iter().any(|event| event.name == "parsed"), "events ride on their span");

    let stopping = provider.clone();
    tokio::task::spawn_blocking(move || stopping.shutdown()).await.unwrap().expect("clean shutdown");
}
