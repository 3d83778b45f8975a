package dev.mcpstate.sidecar;

import io.modelcontextprotocol.common.McpTransportContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The caller travels through the SDK's transport context under two keys and comes back unchanged. */
class SidecarCallerTest {

    @Test
    void callersRoundTripThroughTheTransportContext() {
        for (SidecarCaller caller : new SidecarCaller[] {SidecarCaller.ANONYMOUS, SidecarCaller.principal("alice"),
                SidecarCaller.admin("root")}) {
            assertThat(SidecarCaller.from(caller.toTransportContext())).isEqualTo(caller);
        }
        assertThat(SidecarCaller.admin("root").contextEntries()).isEqualTo(Map.of(SidecarCaller.PRINCIPAL_KEY, "root",
                SidecarCaller.ADMIN_KEY, true));
        assertThat(SidecarCaller.principal("alice").contextEntries())
                .isEqualTo(Map.of(SidecarCaller.PRINCIPAL_KEY, "alice"));
        assertThat(SidecarCaller.ANONYMOUS.toTransportContext()).isSameAs(McpTransportContext.EMPTY);
    }

    @Test
    void aContextWithoutAUsablePrincipalIsAnonymousAndNeverAnAdmin() {
        assertThat(SidecarCaller.from(null)).isEqualTo(SidecarCaller.ANONYMOUS);
        assertThat(SidecarCaller.from(McpTransportContext.EMPTY)).isEqualTo(SidecarCaller.ANONYMOUS);
        assertThat(SidecarCaller.from(McpTransportContext.create(Map.of(SidecarCaller.ADMIN_KEY, true))))
                .isEqualTo(SidecarCaller.ANONYMOUS);
        assertThat(SidecarCaller.from(McpTransportContext.create(Map.of(SidecarCaller.PRINCIPAL_KEY, "",
                SidecarCaller.ADMIN_KEY, true)))).isEqualTo(SidecarCaller.ANONYMOUS);
        assertThat(SidecarCaller.from(McpTransportContext.create(Map.of(SidecarCaller.PRINCIPAL_KEY, 42))))
                .isEqualTo(SidecarCaller.ANONYMOUS);
        assertThat(SidecarCaller.from(McpTransportContext.create(Map.of(SidecarCaller.PRINCIPAL_KEY, "bob",
                SidecarCaller.ADMIN_KEY, "true")))).as("only Boolean.TRUE makes an admin")
                .isEqualTo(SidecarCaller.principal("bob"));
        assertThat(SidecarCaller.ANONYMOUS.anonymous()).isTrue();
        assertThat(SidecarCaller.principal("bob").anonymous()).isFalse();
    }

    @Test
    void anEmptyPrincipalOrAnAnonymousAdminIsRejected() {
        assertThatThrownBy(() -> new SidecarCaller("", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SidecarCaller(null, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SidecarCallerExtractor("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SidecarCallerExtractor().adminRole()).isEqualTo("admin");
    }
}
