#!/usr/bin/python3
"""A small Mainline DHT of real libtorrent 2.0 nodes on loopback, for interop tests.

Starts N DHT-only libtorrent sessions (Debian's python3-libtorrent), each bound to its own
loopback address (HOST_BASE.0.1, .2, ...; Linux routes all of 127.0.0.0/8 to lo), each handed the
others' addresses (add_dht_node). Once their routing tables are filled, every node adds a few magnet links of
random infohashes, as a client that starts downloading does: libtorrent then announces each one to
the DHT (a get_peers lookup, then announce_peer to the closest nodes) every dht_announce_interval,
so the nodes' stores fill up. (session.dht_announce is not usable from Python in 2.0.8: its flags
type has no converter.) No metadata exists, so nothing is ever downloaded or written. Then it
prints ONE JSON line on stdout:

  {"libtorrent": "2.0.8.0", "nodes": [{"host", "port"}], "infohashes": ["40 hex", ...],
   "announcesReceived": N, "routingTableSizes": [...]}

and keeps running until stdin closes (or it is killed). Nothing leaves loopback: no LSD, UPnP,
NAT-PMP, no public bootstrap routers, no trackers, no payload.

usage: libtorrent-dht.py [--nodes 6] [--infohashes-per-node 3] [--host-base 127.70] [--timeout-sec 30]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time

import libtorrent as lt

ALERTS = lt.alert.category_t.dht_notification | lt.alert.category_t.status_notification | lt.alert.category_t.error_notification


def settings(host):
    return {
        'listen_interfaces': f'{host}:0',
        'enable_dht': True,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'enable_incoming_utp': False,
        'enable_outgoing_utp': False,
        # Never the public routers (the default is dht.libtorrent.org:25401). Our nodes are added with
        # add_dht_node instead: libtorrent never puts a bootstrap *router* in its routing table.
        'dht_bootstrap_nodes': '',
        # All nodes share 127.70.0.0/24: libtorrent would keep one per /24 in a bucket, and search one per IP range.
        'dht_restrict_routing_ips': False,
        'dht_restrict_search_ips': False,
        'dht_enforce_node_id': False,
        'dht_prefer_verified_node_ids': False,
        'dht_ignore_dark_internet': False,
        # The crawler under test polls every node; libtorrent's default blocks an IP after 5 queries/s.
        'dht_block_ratelimit': 1000,
        'dht_upload_rate_limit': 1_000_000,
        # Announce torrents to the DHT every 2 s (default 15 min), so a test does not wait.
        'dht_announce_interval': 2,
        # Every magnet stays active (the default queues all but 3 downloads, and queued ones never announce).
        'active_downloads': -1,
        'active_limit': -1,
        'alert_mask': ALERTS,
    }


def listen_port(session, deadline):
    while time.time() < deadline:
        session.wait_for_alert(200)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.listen_succeeded_alert) and alert.socket_type == lt.socket_type_t.udp:
                return alert.port
            if isinstance(alert, lt.listen_failed_alert):
                raise SystemExit(f'libtorrent-dht: cannot listen: {alert.message()}')
    raise SystemExit('libtorrent-dht: no listen_succeeded_alert')


def routing_table_size(session, deadline):
    session.post_dht_stats()
    while time.time() < deadline:
        session.wait_for_alert(200)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.dht_stats_alert):
                return sum(bucket['num_nodes'] for bucket in alert.routing_table)
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--nodes', type=int, default=6)
    parser.add_argument('--infohashes-per-node', type=int, default=3)
    parser.add_argument('--host-base', default='127.70')
    parser.add_argument('--timeout-sec', type=float, default=30)
    args = parser.parse_args()
    deadline = time.time() + args.timeout_sec

    hosts = [f'{args.host_base}.0.{index + 1}' for index in range(args.nodes)]
    sessions = []
    ports = []
    for host in hosts:
        session = lt.session(settings(host))
        ports.append(listen_port(session, deadline))
        sessions.append(session)
    # Each node is handed every other one, as a client starts from the node list it saved last time
    # (libtorrent's dht_state): it pings them and keeps those that answer. Bootstrapping from one node
    # alone also works but takes libtorrent ~10 s of table refreshes to converge; a test need not wait.
    for index, session in enumerate(sessions):
        for other, host in enumerate(hosts):
            if other != index:
                session.add_dht_node((host, ports[other]))

    # Bootstrapping is asynchronous: wait until every node knows all the others, for at most a third
    # of the time (a node or two short of a full table still works: lookups go through the others).
    sizes = []
    started = time.time()
    tables_deadline = started + args.timeout_sec / 3
    while time.time() < tables_deadline:
        sizes = [routing_table_size(session, tables_deadline) for session in sessions]
        if min(sizes) >= args.nodes - 1:
            break
        time.sleep(0.3)

    infohashes = []
    save_path = tempfile.mkdtemp(prefix='swarmscope-libtorrent-')
    for session in sessions:
        for _ in range(args.infohashes_per_node):
            infohash = os.urandom(20).hex()
            infohashes.append(infohash)
            params = lt.parse_magnet_uri(f'magnet:?xt=urn:btih:{infohash}')
            params.save_path = save_path
            session.add_torrent(params)

    # dht_announce_alert: an incoming announce_peer that this node stored. Wait until each infohash
    # reached some node; the crawler still polls, since stores fill asynchronously.
    reached = {}
    while time.time() < deadline and len(reached) < len(infohashes):
        for session in sessions:
            for alert in session.pop_alerts():
                if isinstance(alert, lt.dht_announce_alert):
                    key = str(alert.info_hash)
                    reached[key] = reached.get(key, 0) + 1
        time.sleep(0.1)

    line = {
        'libtorrent': lt.__version__,
        'nodes': [{'host': host, 'port': port} for host, port in zip(hosts, ports)],
        'infohashes': infohashes,
        'announcesReceived': sum(reached.values()),
        'routingTableSizes': sizes,
    }
    sys.stdout.write(json.dumps(line) + '\n')
    sys.stdout.flush()

    # Alerts queue up in each session; drain them in the background so memory stays flat.
    def drain():
        while True:
            for session in sessions:
                session.pop_alerts()
            time.sleep(1)

    threading.Thread(target=drain, daemon=True).start()
    try:
        sys.stdin.read()
    finally:
        shutil.rmtree(save_path, ignore_errors=True)


if __name__ == '__main__':
    main()
