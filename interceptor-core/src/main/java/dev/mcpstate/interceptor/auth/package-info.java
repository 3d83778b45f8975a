/**
 * Authentication of MCP callers: the {@link dev.mcpstate.interceptor.auth.Authenticator} the session filter asks
 * first, its two implementations (static tokens from a file, OAuth 2.1 JWT access tokens), and the Protected
 * Resource Metadata (RFC 9728) a JWT-protected server publishes.
 */
package dev.mcpstate.interceptor.auth;
