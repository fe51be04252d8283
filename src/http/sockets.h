// Socket chores HttpServer needs beyond cpp-httplib 0.11.4's API (Linux only): the local
// port of a socket, and shutting down the server's accepted connections at stop.
// Internal to src/http; thread-safe.
#pragma once

namespace reviewbot::http {

// The local port `fd` is bound to, or -1.
int local_port(int fd);

// Shuts the read side of every accepted connection on `port` (found through
// /proc/self/fd: sockets bound to that local port that have a peer), so pool threads
// idling in keep-alive wake up and close instead of waiting out the keep-alive timeout.
// A handler still running can write its response.
void shutdown_connections(int port);

}  // namespace reviewbot::http
