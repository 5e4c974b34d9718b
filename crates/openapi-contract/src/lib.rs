//! Test support: validates requests and responses against the PortSIP OpenAPI subset in spec/.
