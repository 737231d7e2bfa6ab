//! Gateway: REST (axum) to the services, auth, request ids, structured errors
