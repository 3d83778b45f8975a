package dev.mcpstate.interceptor.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) of an MCP server, as the MCP authorization spec (2025-11-25,
 * "Authorization Server Discovery") asks servers to publish it.
 *
 * @param resource             the server's resource identifier, its canonical URL, e.g.
 *                             {@code https://mcp.example.com/mcp}; absolute, not null
 * @param authorizationServers issuers whose tokens the server accepts; not null, not empty
 * @param scopesSupported      scopes the server understands; not null, may be empty
 */
public record ProtectedResourceMetadata(URI resource, List<URI> authorizationServers, List<String> scopesSupported) {

    /** The well-known path prefix (RFC 9728, section 3). */
    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    /** @throws IllegalArgumentException when the resource is not absolute or no issuer is given */
    public ProtectedResourceMetadata {
        Objects.requireNonNull(resource, "resource must not be null");
        if (!resource.isAbsolute() || resource.getHost() == null) {
            throw new IllegalArgumentException("resource must be an absolute URL, was: " + resource);
        }
        authorizationServers = List.copyOf(authorizationServers);
        if (authorizationServers.isEmpty()) {
            throw new IllegalArgumentException("authorizationServers must not be empty");
        }
        scopesSupported = List.copyOf(scopesSupported);
    }

    /**
     * @return where the document is served: the well-known prefix followed by the resource's path (RFC 9728,
     *         section 3.1), e.g. {@code https://mcp.example.com/.well-known/oauth-protected-resource/mcp}
     */
    public URI metadataUrl() {
        String path = resource.getRawPath() == null || resource.getRawPath().equals("/") ? ""
                : resource.getRawPath();
        return URI.create(resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN + path);
    }

    /** @return the document: {@code resource}, {@code authorization_servers}, {@code bearer_methods_supported}… */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("resource", resource.toString());
        ArrayNode servers = json.putArray("authorization_servers");
        authorizationServers.forEach(s -> servers.add(s.toString()));
        json.putArray("bearer_methods_supported").add("header");
        if (!scopesSupported.isEmpty()) {
            ArrayNode scopes = json.putArray("scopes_supported");
            scopesSupported.forEach(scopes::add);
        }
        return json;
    }
}
