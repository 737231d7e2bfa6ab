//! The gateway's `GetServerInfo` over a real socket, next to reflection built from the
//! descriptor set the binary serves.

use resumax_proto::gateway::v1::gateway_service_client::GatewayServiceClient;
use resumax_proto::gateway::v1::{GetServerInfoRequest, ServiceLocation};
use resumax_proto::server_info::{server, service_info};
use tonic::transport::server::TcpIncoming;

#[tokio::test]
async fn server_info_reports_local_and_remote_services() {
    let services = vec![service_info("gateway", None), service_info("scoring", Some("http://scoring:50051"))];
    // Reflection must accept our descriptor set, or the binary could not serve it.
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(resumax_proto::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("reflection accepts the descriptor set");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(server("1.2.3".into(), services.clone()))
            .add_service(reflection)
            .serve_with_incoming(TcpIncoming::from(listener)),
    );

    let mut client =
        GatewayServiceClient::new(resumax_proto::connect_lazy(format!("http://{address}")).unwrap());
    let info = client.get_server_info(GetServerInfoRequest {}).await.unwrap().into_inner();
    assert_eq!(info.version, "1.2.3");
    assert_eq!(info.services, services);
    assert_eq!(info.services[0].location(), ServiceLocation::Local);
    assert_eq!(info.services[1].location(), ServiceLocation::Remote);
    assert_eq!(info.services[1].endpoint, "http://scoring:50051");
}
