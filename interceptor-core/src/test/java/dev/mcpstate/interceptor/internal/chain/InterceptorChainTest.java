package dev.mcpstate.interceptor.internal.chain;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InterceptorChainTest {

    private final List<String> calls = new ArrayList<>();
    private final FilterChain servlet = (req, res) -> calls.add("servlet");

    @Test
    void linksRunInOrderThenTheServlet() throws Exception {
        InterceptorChain chain = new InterceptorChain(List.of(link("a"), link("b")));
        chain.run(exchange(), servlet);
        assertThat(calls).containsExactly("a", "b", "servlet");
    }

    @Test
    void aLinkThatAnswersStopsTheChain() throws Exception {
        InterceptorChain chain = new InterceptorChain(List.of(link("a"), c -> calls.add("answered"), link("c")));
        chain.run(exchange(), servlet);
        assertThat(calls).containsExactly("a", "answered");
    }

    @Test
    void bypassSkipsTheRemainingLinks() throws Exception {
        InterceptorChain chain = new InterceptorChain(List.of(Interceptor.Chain::bypass, link("never")));
        chain.run(exchange(), servlet);
        assertThat(calls).containsExactly("servlet");
    }

    @Test
    void proceedingTwiceFailsNamingTheLink() {
        Interceptor twice = new Twice();
        InterceptorChain chain = new InterceptorChain(List.of(twice));
        assertThatThrownBy(() -> chain.run(exchange(), servlet))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Twice").hasMessageContaining("at most once");
    }

    private Interceptor link(String name) {
        return c -> {
            calls.add(name);
            c.proceed();
        };
    }

    private static Exchange exchange() {
        return new Exchange(stub(HttpServletRequest.class), stub(HttpServletResponse.class));
    }

    /** A do-nothing stand-in for servlet API interfaces the chain only passes along. */
    private static <T> T stub(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> null));
    }

    private static final class Twice implements Interceptor {
        @Override
        public void intercept(Chain chain) throws java.io.IOException, jakarta.servlet.ServletException {
            chain.proceed();
            chain.proceed();
        }
    }
}
