//! The client's address, for the audit log: the connection's peer, or, when the peer is a
//! proxy the operator trusts (`--trusted-proxy`), the address it forwarded in
//! `X-Forwarded-For` (read from the right, skipping further trusted proxies). Without a
//! trusted proxy the header is ignored: any client can write it.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::server::AppState;

/// The client's IP address, when the server knows its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    pub fn text(&self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        Ok(Self(client_ip(peer, &forwarded, &state.config.trusted_proxies)))
    }
}

/// The peer, or behind trusted proxies the right-most forwarded address no trusted proxy
/// holds. An unparsable hop stops the walk at the last trusted proxy.
pub fn client_ip(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpAddr]) -> Option<IpAddr> {
    let mut addr = peer?;
    for hop in forwarded.iter().rev() {
        if !trusted.contains(&addr) {
            break;
        }
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => addr = ip,
            Err(_) => break,
        }
    }
    Some(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("literal address")
    }

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let proxy = ip("10.0.0.1");
        let peer = Some(proxy);
        assert_eq!(client_ip(peer, &["198.51.100.9"], &[]), peer, "no trusted proxy");
        assert_eq!(client_ip(peer, &["198.51.100.9"], &[proxy]), Some(ip("198.51.100.9")));
        assert_eq!(
            client_ip(peer, &["1.2.3.4", "198.51.100.9", "10.0.0.2"], &[proxy, ip("10.0.0.2")]),
            Some(ip("198.51.100.9")),
            "a spoofed left-most entry is not taken"
        );
        assert_eq!(
            client_ip(Some(ip("203.0.113.5")), &["1.2.3.4"], &[proxy]),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(client_ip(peer, &["junk"], &[proxy]), peer);
        assert_eq!(client_ip(None, &["1.2.3.4"], &[proxy]), None);
    }
}
