package dev.mcpstate.interceptor.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * OAuth 2.1 bearer access tokens as signed JWTs (RFC 9068), checked the way the MCP authorization spec (2025-11-25,
 * "Token Handling") asks a resource server to: the signature against the issuer's JWKS, {@code iss} equal to the
 * configured issuer, {@code aud} containing this server's audience (by default its resource URL, RFC 8707),
 * {@code exp} in the future and {@code nbf} in the past (60 s clock skew), and a {@code sub}. Validation is done
 * by Nimbus JOSE+JWT; the JWKS is fetched over HTTP, cached for 5 minutes and refetched when a token names an
 * unknown key. The caller's principal is the {@code sub} claim; an admin is a caller whose {@code scope} (or
 * {@code scp}) lists the admin scope.
 *
 * <p>A missing or rejected token gets {@code 401} with
 * {@code WWW-Authenticate: Bearer resource_metadata="<metadata URL>"}; the Protected Resource Metadata document
 * ({@link #resourceMetadata()}, RFC 9728) names the issuer. An unreachable JWKS makes the request
 * {@link Authenticator.Unavailable} ({@code 503}). Thread-safe.
 */
public final class JwtAuthenticator implements Authenticator {

    /** The scope that makes a caller an admin unless configured otherwise. */
    public static final String DEFAULT_ADMIN_SCOPE = "mcp-state:admin";

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.Ed25519, JWSAlgorithm.EdDSA);

    private final ConfigurableJWTProcessor<SecurityContext> processor;
    private final ProtectedResourceMetadata metadata;
    private final String adminScope;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    private JwtAuthenticator(Builder b) {
        this.metadata = new ProtectedResourceMetadata(b.resource, List.of(b.issuer), b.scopes);
        this.adminScope = b.adminScope;
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(b.jwksUrl).retrying(false)
                .build();
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"),
                null));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        this.clock = b.clock;
        this.issuer = b.issuer.toString();
        this.audience = b.audience == null ? b.resource.toString() : b.audience;
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        });
        this.processor = p;
    }

    /** @return a builder; issuer, JWKS URL and resource are required */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Caller authenticate(String bearerToken) throws Rejected, Unavailable {
        if (bearerToken == null) {
            throw new Rejected("Authentication required: send Authorization: Bearer <access token>");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(bearerToken, null);
        } catch (ParseException e) {
            throw new Rejected("The access token is not a JWT");
        } catch (BadJWTException e) {
            throw new Rejected(claimsMessage(bearerToken)); // signed by the issuer's key, its claims failed
        } catch (BadJOSEException e) {
            throw new Rejected("The access token's signature is not valid");
        } catch (KeySourceException e) {
            throw new Unavailable("the issuer's JWKS is unreachable", e);
        } catch (JOSEException e) {
            throw new Rejected("The access token is not valid");
        }
        return new Caller(claims.getSubject(), scopes(claims).contains(adminScope));
    }

    /** @return which claim check a validly signed token failed, as a sentence for the client */
    private String claimsMessage(String token) {
        JWTClaimsSet claims;
        try {
            claims = SignedJWT.parse(token).getJWTClaimsSet();
        } catch (ParseException e) {
            return "The access token is not valid";
        }
        Instant now = clock.instant();
        Duration skew = Duration.ofSeconds(DefaultJWTClaimsVerifier.DEFAULT_MAX_CLOCK_SKEW_SECONDS);
        if (!issuer.equals(claims.getIssuer())) {
            return "The access token was issued by an unknown issuer";
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            return "The access token is meant for another resource";
        }
        if (claims.getExpirationTime() != null && !claims.getExpirationTime().toInstant().plus(skew).isAfter(now)) {
            return "The access token has expired";
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().minus(skew).isAfter(now)) {
            return "The access token is not valid yet";
        }
        return "The access token lacks a required claim (sub, exp)";
    }

    private static Collection<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        if (scope instanceof String text) {
            return List.of(text.trim().split("\\s+"));
        }
        Object scp = claims.getClaim("scp");
        if (scp instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (scp instanceof String text) {
            return List.of(text.trim().split("\\s+"));
        }
        return List.of();
    }

    @Override
    public String challenge() {
        return "Bearer resource_metadata=\"" + metadata.metadataUrl() + "\"";
    }

    @Override
    public Optional<ProtectedResourceMetadata> resourceMetadata() {
        return Optional.of(metadata);
    }

    @Override
    public String toString() {
        return "JwtAuthenticator[issuer=" + metadata.authorizationServers().get(0) + ", resource="
                + metadata.resource() + "]";
    }

    /** Builds a {@link JwtAuthenticator}; not thread-safe. */
    public static final class Builder {
        private URI issuer;
        private URL jwksUrl;
        private URI resource;
        private String audience;
        private String adminScope = DEFAULT_ADMIN_SCOPE;
        private List<String> scopes = List.of();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** @param issuer the authorization server's issuer identifier, as tokens carry it in {@code iss}; not null */
        public Builder issuer(URI issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer must not be null");
            return this;
        }

        /** @param jwksUrl where the issuer publishes its signing keys (its {@code jwks_uri}); http or https */
        public Builder jwksUrl(URI jwksUrl) {
            Objects.requireNonNull(jwksUrl, "jwksUrl must not be null");
            try {
                this.jwksUrl = jwksUrl.toURL();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("jwksUrl must be an http(s) URL, was: " + jwksUrl, e);
            }
            return this;
        }

        /** @param resource this MCP server's canonical URL, e.g. {@code https://mcp.example.com/mcp}; not null */
        public Builder resource(URI resource) {
            this.resource = Objects.requireNonNull(resource, "resource must not be null");
            return this;
        }

        /** @param audience the {@code aud} value tokens must carry; null (default) for the resource URL */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /** @param scope the scope that makes a caller an admin; default {@value #DEFAULT_ADMIN_SCOPE} */
        public Builder adminScope(String scope) {
            this.adminScope = Objects.requireNonNull(scope, "adminScope must not be null");
            return this;
        }

        /** @param scopes scopes listed as {@code scopes_supported} in the metadata; not null */
        public Builder scopesSupported(List<String> scopes) {
            this.scopes = List.copyOf(scopes);
            return this;
        }

        /** @param clock the time {@code exp} and {@code nbf} are checked against; not null */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * @return the authenticator; it fetches the JWKS on the first token
         * @throws IllegalStateException when issuer, JWKS URL or resource is missing
         */
        public JwtAuthenticator build() {
            if (issuer == null || jwksUrl == null || resource == null) {
                throw new IllegalStateException("issuer, jwksUrl and resource are required");
            }
            return new JwtAuthenticator(this);
        }
    }
}
