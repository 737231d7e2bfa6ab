//! `resumax.gateway.v1.GatewayService`: what a node is (its version) and where each service it
//! uses runs. The binary knows the answer at start; this serves it unchanged.

use crate::gateway::v1::gateway_service_server::{GatewayService, GatewayServiceServer};
use crate::gateway::v1::{GetServerInfoRequest, GetServerInfoResponse, ServiceInfo, ServiceLocation};
use tonic::{Request, Response, Status};

/// Where one service of a node runs: `None` for in this process, `Some(endpoint)` for a peer.
pub fn service_info(name: &str, remote_endpoint: Option<&str>) -> ServiceInfo {
    ServiceInfo {
        name: name.to_string(),
        location: match remote_endpoint {
            None => ServiceLocation::Local,
            Some(_) => ServiceLocation::Remote,
        }
        .into(),
        endpoint: remote_endpoint.unwrap_or_default().to_string(),
    }
}

/// The tonic service answering `GetServerInfo` with `version` and `services`.
pub fn server(version: String, services: Vec<ServiceInfo>) -> GatewayServiceServer<ServerInfo> {
    GatewayServiceServer::new(ServerInfo { answer: GetServerInfoResponse { version, services } })
}

pub struct ServerInfo {
    answer: GetServerInfoResponse,
}

#[tonic::async_trait]
impl GatewayService for ServerInfo {
    async fn get_server_info(
        &self,
        _request: Request<GetServerInfoRequest>,
    ) -> Result<Response<GetServerInfoResponse>, Status> {
        Ok(Response::new(self.answer.clone()))
    }
}
