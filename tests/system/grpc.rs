//! The gRPC side: health and reflection on every node, and a gateway that reaches the other
//! services over gRPC answers exactly like the embedded node.

use serde_json::json;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::helpers::{Backends, Node, corpus, temp_dir};

#[tokio::test]
async fn every_local_service_reports_serving_over_grpc_health() {
    let dir = temp_dir();
    let node = Node::start(dir.path(), &Backends::embedded(), &[]).await;
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", node.grpc_addr))
        .expect("endpoint")
        .connect()
        .await
        .expect("grpc connects");
    let mut health = HealthClient::new(channel);
    for service in [
        "resumax.parsing.v1.ParsingService",
        "resumax.scoring.v1.ScoringService",
        "resumax.optimization.v1.OptimizationService",
        "resumax.export.v1.ExportService",
    ] {
        let answer =
            health.check(HealthCheckRequest { service: service.into() }).await.expect(service).into_inner();
        assert_eq!(answer.status(), ServingStatus::Serving, "{service}");
    }
    let unknown = health.check(HealthCheckRequest { service: "resumax.nope.v1.NopeService".into() }).await;
    assert_eq!(unknown.unwrap_err().code(), tonic::Code::NotFound);
}

crate::on_both_backends!(a_gateway_alone_serves_the_flow_through_grpc_peers);

async fn a_gateway_alone_serves_the_flow_through_grpc_peers(backends: Backends) {
    let dir = temp_dir();
    let backend =
        Node::start_services(dir.path(), "parsing,scoring,optimization,export", &backends, &[]).await;
    let endpoint = format!("http://{}", backend.grpc_addr);
    let gateway = Node::start_services(
        dir.path(),
        "gateway",
        &Backends::embedded(),
        &[
            ("RESUMAX_PARSING_ENDPOINT", &endpoint),
            ("RESUMAX_OPTIMIZATION_ENDPOINT", &endpoint),
            ("RESUMAX_EXPORT_ENDPOINT", &endpoint),
        ],
    )
    .await;
    // The gateway node tells where each service runs.
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", gateway.grpc_addr))
        .expect("endpoint")
        .connect()
        .await
        .expect("grpc connects");
    let mut info_client =
        resumax_proto::gateway::v1::gateway_service_client::GatewayServiceClient::new(channel);
    let info = info_client
        .get_server_info(resumax_proto::gateway::v1::GetServerInfoRequest {})
        .await
        .expect("server info")
        .into_inner();
    let located: Vec<(String, String)> =
        info.services.iter().map(|s| (s.name.clone(), s.endpoint.clone())).collect();
    assert!(located.contains(&("gateway".to_string(), String::new())), "{located:?}");
    assert!(located.contains(&("parsing".to_string(), endpoint.clone())), "{located:?}");

    let token = gateway.token("alice", true);
    let (status, resume) = gateway.upload_resume(&token, "resumes/resume_023.docx").await;
    assert_eq!(status, 201, "{resume}");
    let resume_id = resume["resumeId"].as_str().unwrap();
    let text = std::fs::read_to_string(corpus("jds/jd_025.txt")).unwrap();
    let (status, job) = gateway.post_json(&token, "/job-descriptions", json!({"text": text})).await;
    assert_eq!(status, 201, "{job}");
    gateway.wait_parsed(&token, &format!("/resumes/{resume_id}")).await;

    // Errors cross gRPC with their code intact.
    let (status, body) = gateway.get(&gateway.token("bob", true), &format!("/resumes/{resume_id}")).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");

    let (status, started) = gateway
        .post_json(
            &token,
            "/optimize",
            json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    let id = started["optimizationId"].as_str().unwrap();
    let run = gateway.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    assert_eq!(run["status"], "completed", "{run}");
    assert!(run["diff"].as_array().is_some_and(|d| !d.is_empty()));
    let (status, accepted) =
        gateway.post_json(&token, &format!("/optimize/{id}/accept"), json!({"applyAll": true})).await;
    assert_eq!(status, 201, "{accepted}");
    let (status, version) =
        gateway.get(&token, &format!("/versions/{}", accepted["versionId"].as_str().unwrap())).await;
    assert_eq!(status, 200, "{version}");

    // The gRPC port serves our processes only: a local caller without the mesh credential gets
    // nothing (not alice's resume, not her contact details), whatever user id it names.
    let channel = tonic::transport::Channel::from_shared(endpoint.clone()).unwrap().connect().await.unwrap();
    let mut parsing = resumax_proto::parsing::v1::parsing_service_client::ParsingServiceClient::new(channel);
    let ask = |authorization: Option<String>| {
        let mut request = tonic::Request::new(resumax_proto::parsing::v1::GetResumeRequest {
            user_id: "alice".into(),
            resume_id: resume_id.to_string(),
        });
        if let Some(value) = authorization {
            request.metadata_mut().insert("authorization", value.parse().unwrap());
        }
        request
    };
    for forged in [None, Some("Bearer guess".to_string()), Some(format!("Bearer {}", "0".repeat(64)))] {
        let refused = parsing.get_resume(ask(forged.clone())).await.unwrap_err();
        assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{forged:?}");
    }
    // With the credential the processes share (here generated into their common data dir).
    let token = std::fs::read_to_string(dir.path().join("service-token")).expect("the mesh credential");
    let record = parsing.get_resume(ask(Some(format!("Bearer {token}")))).await.expect("our own caller");
    assert!(record.into_inner().resume.is_some());
}
