package dev.mcpstate.demo.prreview.internal.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a pull request's diff comes from: a fixture shipped with the demo, an uploaded {@code .diff}/{@code .patch},
 * or a GitHub pull request URL, fetched from the GitHub API ({@code GET /repos/{owner}/{repo}/pulls/{n}} with
 * {@code Accept: application/vnd.github.diff}). The fetch is bounded by the timeout as a whole — connection, DNS
 * and body included — so an unreachable GitHub gives a clear message within it, never a hang.
 *
 * <p>Thread-safe.
 */
final class PrSources {

    /** The largest diff accepted, in UTF-8 bytes: 512 KiB, so that it fits one sidecar value. */
    static final int MAX_DIFF_BYTES = 512 * 1024;
    static final String FIXTURES = "/dev/mcpstate/demo/prreview/fixtures/";

    private static final Pattern PR_URL = Pattern.compile(
            "^https://github\\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})/pull/(\\d{1,9})"
                    + "(?:/[A-Za-z0-9/_-]*)?(?:[?#].*)?$");

    /**
     * A diff and where it came from.
     *
     * @param source {@code fixture:NAME}, {@code upload:NAME} or the pull request URL
     * @param text   the diff
     * @param name   a title to use when the diff has no subject line
     */
    record Loaded(String source, String text, String name) {
    }

    private final URI githubApi;
    private final Duration timeout;
    private final HttpClient http;

    PrSources(URI githubApi, Duration timeout) {
        this.githubApi = githubApi;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** @return the fixtures' names, in the order of the index */
    List<String> fixtures() {
        return read("index.txt").lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
    }

    /** @throws ApiException 404 for an unknown fixture */
    Loaded fixture(String name) {
        if (name == null || !fixtures().contains(name)) {
            throw new ApiException(404, "no fixture '" + name + "'; fixtures: " + String.join(", ", fixtures()));
        }
        return new Loaded("fixture:" + name, read(name + ".diff"), name);
    }

    /** @throws ApiException 400 for an empty diff, 413 for one over {@link #MAX_DIFF_BYTES} */
    Loaded upload(String diff, String name) {
        if (diff == null || diff.isBlank()) {
            throw new ApiException(400, "the uploaded diff is empty");
        }
        checkSize(diff);
        String shown = name == null || name.isBlank() ? "uploaded diff" : name.trim();
        return new Loaded("upload:" + shown, diff, shown);
    }

    /**
     * @param url a pull request URL, {@code https://github.com/OWNER/REPO/pull/N}
     * @throws ApiException 400 for another URL; 502 when GitHub cannot be reached or answers with an error; 504 when
     *                      it does not answer within the timeout
     */
    Loaded github(String url) {
        Matcher m = PR_URL.matcher(url == null ? "" : url.trim());
        if (!m.matches()) {
            throw new ApiException(400, "not a GitHub pull request URL: expected https://github.com/OWNER/REPO/pull/N");
        }
        String name = m.group(1) + "/" + m.group(2) + "#" + m.group(3);
        URI api = URI.create(githubApi.toString().replaceAll("/+$", "") + "/repos/" + m.group(1) + "/" + m.group(2)
                + "/pulls/" + m.group(3));
        HttpRequest request = HttpRequest.newBuilder(api).timeout(timeout)
                .header("Accept", "application/vnd.github.diff")
                .header("User-Agent", "mcp-state-pr-review-demo").GET().build();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw tooSlow(api);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
                throw tooSlow(api);
            }
            throw unreachable(api, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while fetching " + name);
        }
        if (response.statusCode() != 200) {
            throw new ApiException(502, "GitHub answered " + response.statusCode() + " for " + name
                    + (response.statusCode() == 404 ? " (no such pull request, or a private repository)" : "")
                    + ": load a fixture or upload the .diff instead");
        }
        checkSize(response.body());
        return new Loaded(url.trim(), response.body(), name);
    }

    private ApiException tooSlow(URI api) {
        return new ApiException(504, "GitHub did not answer within " + timeout.toMillis() + " ms (" + api.getHost()
                + "): load a fixture or upload the .diff instead");
    }

    private static ApiException unreachable(URI api, Throwable cause) {
        String why = cause instanceof UnknownHostException ? "cannot resolve " + api.getHost()
                : cause instanceof ConnectException ? "cannot connect to " + api.getHost()
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new ApiException(502, "GitHub is not reachable from here (" + why
                + "): load a fixture or upload the .diff instead");
    }

    private static void checkSize(String diff) {
        int bytes = diff.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_DIFF_BYTES) {
            throw new ApiException(413, "the diff is " + bytes + " bytes, over the limit of " + MAX_DIFF_BYTES);
        }
    }

    private static String read(String resource) {
        try (InputStream in = PrSources.class.getResourceAsStream(FIXTURES + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + FIXTURES + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + FIXTURES + resource, e);
        }
    }
}
