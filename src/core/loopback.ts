// Whether a host is the user's own machine. Pure and dependency-free: the GitHub layer keeps plain
// http:// for loopback remotes (the test servers), the extension never sends a token there and
// opens their web pages over http.

/** `localhost`, `127.x.x.x`, `::1` or `[::1]`, with or without a `:port`; case-insensitive. */
export function isLoopbackHost(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)(:\d+)?$/i.test(host);
}
