// The sockets beneath the HTTP transport: a non-blocking listening socket on host:port,
// the port it got, a peer's address as text, and the descriptor limit raised for many
// connections. Internal to src/http; plain functions, thread-safe.
#pragma once

#include <sys/resource.h>
#include <sys/socket.h>

#include <string>

#include "reviewbot/core/result.h"

namespace reviewbot::http {

// A listening socket (SO_REUSEADDR, non-blocking, close-on-exec) on the first address of
// `host` that binds, with `backlog`. Errors say "cannot listen on host:port: why".
core::Result<int> listen_on(const std::string& host, int port, int backlog);

// The local port of a bound socket, or 0.
int bound_port(int fd);

// An IPv4 or IPv6 peer address as text ("" for other families).
std::string peer_address(const sockaddr_storage& addr);

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the limit in force.
rlim_t raise_descriptor_limit();

}  // namespace reviewbot::http
