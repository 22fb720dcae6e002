//! IWG1 over UDP, as aircraft send it: one packet a second (or faster) to an
//! address on the ground, often a multicast group. Each listener takes one
//! platform's packets (`--iwg1 ADDR=PLATFORM`). A packet is stored, then
//! pushed, as soon as it arrives; a platform sending faster than five times
//! a second has its packets written together every 200 ms, so a 20 Hz stream
//! costs five catalogue writes a second, not twenty.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use catalogue::Catalogue;
use clap::Args;
use ipnet::IpNet;
use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::time::Instant;

use super::{Batch, Receivers};

/// The least time between two writes of one listener's packets.
const WRITE_EVERY: Duration = Duration::from_millis(200);
/// The largest UDP payload.
const MAX_DATAGRAM: usize = 65_507;
/// Packets kept for a later write while the catalogue refuses them (a full
/// disk): ten hours at 1 Hz; older ones go first beyond that.
const MAX_UNWRITTEN: usize = 36_000;

#[derive(Clone, Debug, Default, Args)]
pub struct PositionArgs {
    /// Receive IWG1 packets on ADDR as PLATFORM's, e.g. `--iwg1
    /// 0.0.0.0:7071=ATR42` (a multicast group address joins the group;
    /// repeatable).
    #[arg(long = "iwg1", env = "OPSBOARD_IWG1", value_delimiter = ',')]
    pub iwg1: Vec<Iwg1Listener>,

    /// Take IWG1 packets only from these senders (an address or a network,
    /// e.g. `--iwg1-from 192.0.2.10 --iwg1-from 198.51.100.0/24`;
    /// repeatable). Without it any sender is heard, and the start says so:
    /// anyone who can reach the port could move an aircraft on every map.
    #[arg(
        long = "iwg1-from",
        env = "OPSBOARD_IWG1_FROM",
        value_delimiter = ',',
        value_parser = parse_sender
    )]
    pub iwg1_from: Vec<IpNet>,
}

/// An address (one sender) or a network in CIDR form.
fn parse_sender(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an address or a network (e.g. 192.0.2.0/24)"))
}

impl PositionArgs {
    /// Whether a packet from `sender` is heard.
    pub fn hears(&self, sender: IpAddr) -> bool {
        let sender = sender.to_canonical();
        self.iwg1_from.is_empty() || self.iwg1_from.iter().any(|net| net.contains(&sender))
    }
}

/// Where one platform's packets arrive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iwg1Listener {
    pub addr: SocketAddr,
    pub platform: String,
}

impl FromStr for Iwg1Listener {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (addr, platform) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?}: expected ADDR=PLATFORM, e.g. 0.0.0.0:7071=ATR42"))?;
        let addr = addr
            .parse()
            .map_err(|e| format!("{addr:?} is not an address and port: {e}"))?;
        model::operations::check_token_name("platform", platform, 64).map_err(|e| e.to_string())?;
        Ok(Self {
            addr,
            platform: platform.to_string(),
        })
    }
}

/// Opens `listener`'s socket (joining its multicast group if it is one),
/// before the server starts, so a port already taken stops the start with a
/// clear error rather than leaving an aircraft unheard.
pub async fn bind(listener: &Iwg1Listener) -> anyhow::Result<UdpSocket> {
    let context = || format!("receiving IWG1 on {}", listener.addr);
    match listener.addr {
        SocketAddr::V4(v4) if v4.ip().is_multicast() => {
            let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, v4.port()))
                .await
                .with_context(context)?;
            socket
                .join_multicast_v4(*v4.ip(), Ipv4Addr::UNSPECIFIED)
                .with_context(context)?;
            Ok(socket)
        }
        addr => UdpSocket::bind(addr).await.with_context(context),
    }
}

/// Receives `platform`'s packets on `socket` until `stop`, then writes what
/// it holds.
pub async fn receive(
    socket: Arc<UdpSocket>,
    platform: String,
    senders: Arc<PositionArgs>,
    receivers: Receivers,
    catalogue: Catalogue,
    mut stop: watch::Receiver<bool>,
) {
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    let mut batch = Batch::default();
    let mut last_write = Instant::now() - WRITE_EVERY;
    loop {
        let due = last_write + WRITE_EVERY;
        tokio::select! {
            biased;
            // (The guard `wait_for` gives is dropped at once: it cannot be
            // held across the other arms' awaits.)
            _ = async { drop(stop.wait_for(|stopping| *stopping).await) } => break,
            _ = tokio::time::sleep_until(due), if !batch.is_empty() => {}
            received = socket.recv_from(&mut buffer) => match received {
                Ok((_, sender)) if !senders.hears(sender.ip()) => {
                    batch.refuse(format!("a packet from {}, not a --iwg1-from sender", sender.ip()));
                }
                Ok((size, _)) => {
                    batch.read(&String::from_utf8_lossy(&buffer[..size]));
                    if Instant::now() < due {
                        continue;
                    }
                }
                Err(error) => {
                    // An ICMP error from an earlier send, a full buffer: the
                    // next packet is what matters.
                    tracing::warn!(%platform, %error, "receiving IWG1");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        }
        last_write = Instant::now();
        batch = write(&receivers, &catalogue, &platform, batch).await;
    }
    if !batch.is_empty() {
        write(&receivers, &catalogue, &platform, batch).await;
    }
}

/// Stores `batch`; what the catalogue refused comes back to be written with
/// the next packets.
async fn write(
    receivers: &Receivers,
    catalogue: &Catalogue,
    platform: &str,
    batch: Batch,
) -> Batch {
    let fixes = batch.fixes.clone();
    match receivers.take(catalogue, platform, batch).await {
        Ok(_) => Batch::default(),
        Err(error) => {
            tracing::error!(%platform, %error, "IWG1 packets not written; kept for the next write");
            let mut kept = Batch {
                fixes,
                ..Batch::default()
            };
            let over = kept.fixes.len().saturating_sub(MAX_UNWRITTEN);
            kept.fixes.drain(..over);
            kept
        }
    }
}

#[cfg(test)]
mod sender_tests {
    use super::*;

    #[test]
    fn senders_are_addresses_or_networks_and_only_they_are_heard() {
        let args = PositionArgs {
            iwg1: Vec::new(),
            iwg1_from: vec![
                parse_sender("192.0.2.10").unwrap(),
                parse_sender("198.51.100.0/24").unwrap(),
            ],
        };
        for heard in ["192.0.2.10", "198.51.100.77", "::ffff:192.0.2.10"] {
            assert!(args.hears(heard.parse().unwrap()), "{heard}");
        }
        for unheard in ["192.0.2.11", "203.0.113.1", "::1"] {
            assert!(!args.hears(unheard.parse().unwrap()), "{unheard}");
        }
        for bad in [
            "",
            "x",
            "300.1.1.1",
            "1.2.3.4/99",
            "192.0.2.0/",
            &"1".repeat(5000),
        ] {
            assert!(parse_sender(bad).is_err(), "{bad:.20}");
        }
        assert!(
            PositionArgs::default().hears("203.0.113.1".parse().unwrap()),
            "no list: any"
        );
    }
}
