package dev.mcpstate.interceptor.auth;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpstate.interceptor.FilterHarness;
import dev.mcpstate.interceptor.HttpResult;
import dev.mcpstate.store.Storage;
import dev.mcpstate.store.StorageConfig;
import dev.mcpstate.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serviceUnavailable;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OAuth 2.1 JWT access tokens against a JWKS that WireMock serves on loopback (playing the authorization server),
 * through the real filter and SDK servlet.
 */
class JwtAuthenticatorTest {

    private static final URI ISSUER = URI.create("https://issuer.example");
    private static final URI RESOURCE = URI.create("https://mcp.example.com/mcp");
    private static WireMockServer issuer;
    private static RSAKey key;
    private static RSAKey stranger;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final Storage storage = Storage.open(StorageConfig.inMemory(), clock);
    private FilterHarness node;

    @BeforeAll
    static void startIssuer() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        issuer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        issuer.start();
        issuer.stubFor(get("/jwks").willReturn(okJson(new JWKSet(key.toPublicJWK()).toString())));
        issuer.stubFor(get("/down/jwks").willReturn(serviceUnavailable()));
    }

    @AfterAll
    static void stopIssuer() {
        issuer.stop();
    }

    @BeforeEach
    void start() {
        node = FilterHarness.on(storage, clock).config(c -> c.authenticator(authenticator("/jwks"))).start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private JwtAuthenticator authenticator(String jwksPath) {
        return JwtAuthenticator.builder().issuer(ISSUER).jwksUrl(URI.create(issuer.baseUrl() + jwksPath))
                .resource(RESOURCE).clock(clock).build();
    }

    private String token(UnaryOperator<JWTClaimsSet.Builder> claims, RSAKey signer) throws Exception {
        Instant now = clock.instant();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(ISSUER.toString()).subject("alice")
                .audience(RESOURCE.toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1")
                .type(JOSEObjectType.JWT).build(), claims.apply(builder).build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private HttpResult initialize(String token) {
        return node.send("""
                POST /mcp HTTP/1.1
                Authorization: Bearer %s

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"oauth-client","version":"1"}}}
                """.formatted(token));
    }

    private void assertRejected(HttpResult response, String message) {
        response.assertJsonRpcError(401, -32007);
        assertThat(response.json().at("/error/message").asText()).isEqualTo(message);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer resource_metadata="
                + "\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"")
                .contains("error=\"invalid_token\"");
    }

    @Test
    void aValidTokenInitializesASessionBoundToItsSubject() throws Exception {
        HttpResult response = initialize(token(c -> c.claim("scope", "mcp:tools mcp-state:admin"), key));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        String session = response.header("Mcp-Session-Id");
        assertThat(storage.sessions().find(session).orElseThrow().principal()).isEqualTo("alice");
    }

    @Test
    void anExpiredTokenIsRejected() throws Exception {
        String expired = token(c -> c.expirationTime(Date.from(clock.instant().minus(Duration.ofMinutes(5)))), key);

        assertRejected(initialize(expired), "The access token has expired");
        assertThat(storage.sessions().list()).isEmpty();
    }

    @Test
    void aTokenExpiresByTheInjectedClock() throws Exception {
        String token = token(c -> c, key);
        assertThat(initialize(token).status()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(7));

        assertRejected(initialize(token), "The access token has expired");
    }

    @Test
    void aTokenForAnotherAudienceIsRejected() throws Exception {
        assertRejected(initialize(token(c -> c.audience("https://other.example/mcp"), key)),
                "The access token is meant for another resource");
    }

    @Test
    void aTokenOfAnotherIssuerIsRejected() throws Exception {
        assertRejected(initialize(token(c -> c.issuer("https://evil.example"), key)),
                "The access token was issued by an unknown issuer");
    }

    @Test
    void aTokenWithABadSignatureIsRejected() throws Exception {
        assertRejected(initialize(token(c -> c, stranger)), "The access token's signature is not valid");
    }

    @Test
    void somethingThatIsNoJwtIsRejected() {
        assertRejected(initialize("not-a-jwt"), "The access token is not a JWT");
    }

    @Test
    void aMissingTokenGets401PointingAtTheMetadataWithoutAnError() {
        HttpResult response = node.send("""
                POST /mcp HTTP/1.1

                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{},"clientInfo":{"name":"oauth-client","version":"1"}}}
                """);

        response.assertJsonRpcError(401, -32007);
        assertThat(response.header("WWW-Authenticate")).isEqualTo(
                "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"");
    }

    @Test
    void anUnreachableJwksGets503WithRetryAfter() throws Exception {
        try (FilterHarness down = FilterHarness.on(storage, clock).nodeId("down")
                .config(c -> c.authenticator(authenticator("/down/jwks"))).start()) {
            HttpResult response = down.send("""
                    POST /mcp HTTP/1.1
                    Authorization: Bearer %s

                    {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                     "capabilities":{},"clientInfo":{"name":"oauth-client","version":"1"}}}
                    """.formatted(token(c -> c, key)));

            response.assertJsonRpcError(503, -32003);
            assertThat(response.header("Retry-After")).isEqualTo("1");
        }
    }

    @Test
    void theMetadataDocumentNamesTheResourceAndTheIssuer() {
        ProtectedResourceMetadata metadata = authenticator("/jwks").resourceMetadata().orElseThrow();

        assertThat(metadata.metadataUrl())
                .isEqualTo(URI.create("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"));
        assertThat(metadata.toJson().toString()).isEqualTo("{\"resource\":\"https://mcp.example.com/mcp\","
                + "\"authorization_servers\":[\"https://issuer.example\"],\"bearer_methods_supported\":[\"header\"]}");
        assertThat(new ProtectedResourceMetadata(URI.create("https://a.example"), List.of(ISSUER), List.of("x"))
                .metadataUrl()).isEqualTo(URI.create("https://a.example/.well-known/oauth-protected-resource"));
    }
}
