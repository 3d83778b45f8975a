package dev.mcpstate.demo.prreview;

import dev.mcpstate.demo.prreview.internal.review.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real browser — headless Chromium driven by chromedriver through Selenium — clicks through the dashboard of the
 * shipped jar ({@code target/mcp-state-pr-review-demo.jar}, run as a process with its embedded sidecar) and checks
 * that every panel updates. Saves {@code target/pr-review-demo.png}. Needs the Debian packages {@code chromium} and
 * {@code chromium-driver} (.ci/run installs them); without them it fails, it never skips.
 */
class DashboardBrowserIT {

    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    static final Path SCREENSHOT = Path.of("target", "pr-review-demo.png");

    @TempDir
    static Path dir;
    private static JarProcess demo;
    private static URI url;
    private ChromeDriver browser;

    @BeforeAll
    static void startDemo() throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--db", dir.resolve("sidecar.db").toString(),
                "--work-dir", dir.toString(), "--state-poll-ms", "150", "--claim-ttl-ms", "3000", "--lease-ttl-ms",
                "1500", "--file-delay-ms", "1000", "--poll-ms", "50", "--idle-exit-ms", "60000"));
        // a run of five files takes 5 s: the window in which the test must see it claimed and crash its agent,
        // wide enough while the rest of the build loads both cores
        demo = JarProcess.start("demo.jar", "mcp-state-pr-review-demo ready", args, dir.resolve("demo.err"));
        url = URI.create(demo.readyLine().split(" ")[2]);
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        assertThat(CHROMIUM).as("Chromium (Debian package chromium; .ci/run installs it)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (Debian package chromium-driver; .ci/run installs it)")
                .isExecutable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1600,1700", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, options);
        browser.get(url.toString());
        waitFor("the page is connected to the event stream", () -> has("#live.on")
                && !browser.findElements(By.cssSelector("#fixture option")).isEmpty());
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
        new DemoApi(url).ok("/reset", java.util.Map.of());
    }

    @Test
    void clickingThroughTheFlowUpdatesEveryPanelAndShowsUntrustedTextAsText() throws Exception {
        String firstDemo = text("#demo-id");
        flowWithCrashAndAggregate();
        untrustedDiff();
        click("#reset");
        waitFor("a new, empty demo session", () -> !text("#demo-id").equals(firstDemo)
                && all("#runs tr[data-run]").isEmpty() && all("#workers .worker").isEmpty()
                && all("#report table").isEmpty() && all("#pr-summary *").isEmpty());
        assertThat(all("#events li")).extracting(e -> e.getAttribute("data-type")).containsExactly("reset");
    }

    private void flowWithCrashAndAggregate() throws Exception {
        click("#fixture option[value=orders-report]");
        click("#load-fixture");
        waitFor("the pull request", () -> text("#pr-title").equals("Monthly revenue report and orders by status"));
        assertThat(all("#pr-summary ul.files li")).hasSize(5);

        click("#register");
        waitFor("three created runs", () -> all("#runs tr[data-status=created]").size() == 3);

        click("#race-kind option[value=security]");
        click("#spawn-race");
        click("button.spawn[data-kind=performance]");
        click("button.spawn[data-kind=style]");
        waitFor("workers on the board", () -> all("#workers .worker").size() == 5);
        waitFor("the security run in progress", () -> has("#runs tr[data-kind=security][data-status=running]"));
        assertThat(all("#events li[data-type=claim_won]")).isNotEmpty();

        waitFor("Crash active is offered", () -> find("#crash").isEnabled()
                && text("#runs tr[data-kind=security] td.claimer").equals(
                        find("#crash").getText().replaceAll(".*\\((.*)\\)", "$1")));
        String victim = text("#runs tr[data-kind=security] td.claimer");
        click("#crash");
        waitFor("the crash in the event stream", () -> has("#events li[data-type=agent_crashed]"));
        waitFor("the victim marked crashed", () -> has("#workers .worker[data-agent='" + victim + "'][data-status=crashed]"));
        waitFor("another agent resumed the run", () -> has("#events li[data-type=recovery]"));
        waitFor("all runs completed", () -> all("#runs tr[data-status=completed]").size() == 3);
        assertThat(text("#runs tr[data-kind=security] td.claimer")).isNotEqualTo(victim);
        assertThat(text("#runs tr[data-kind=security] td:last-child")).as("claims of the run").isEqualTo("2");
        assertThat(all("#workers .worker[data-status=running]")).hasSize(4);

        assertThat(all("#kv tr[data-key*='/progress/']")).as("the agents' progress keys").hasSize(3);
        assertThat(all("#kv tr[data-key*='/agents/']")).as("the agents' heartbeats").isNotEmpty();
        assertThat(all("#tools li[data-tool=workflow_claim]")).isNotEmpty();
        assertThat(all("#tools li[data-tool=workflow_checkpoint]")).isNotEmpty();
        assertThat(all("#events li[data-type=checkpoint]")).isNotEmpty();

        click("#aggregate");
        waitFor("the report", () -> has("#report h3[data-severity=high]"));
        assertThat(all("#report table.findings tbody tr")).hasSize(Fixtures.expected("orders-report").size());
        assertThat(all("#report .counts .sev")).extracting(WebElement::getText)
                .containsExactly("6 high", "5 medium", "2 low", "1 info");
        assertThat(find("#download").getAttribute("href")).endsWith("/api/report.md");
        DemoApi.Reply markdown = new DemoApi(url).send(HttpRequest.newBuilder(url.resolve("/api/report.md")).GET());
        assertThat(markdown.json().asText()).startsWith("# Review: Monthly revenue report").contains("## High (6)");

        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
    }

    /** A second pull request whose file name and lines are HTML; the agents of the first flow still wait for work. */
    private void untrustedDiff() throws Exception {
        String evil = "src/<img src=x onerror=\"document.title='pwned'\">.js";
        Path diff = dir.resolve("evil.diff");
        Files.writeString(diff, "--- a/" + evil + "\n+++ b/" + evil + "\n@@ -1 +1,2 @@\n-old\n"
                + "+const password = \"<script>document.title='pwned2'</script>\";\n"
                + "+<b onmouseover=\"document.title='pwned3'\">bold</b>\n");
        find("#upload").sendKeys(diff.toAbsolutePath().toString());
        waitFor("the uploaded pull request", () -> text("#pr-title").equals("evil.diff"));
        click("#pr-summary summary");
        assertThat(text("#pr-summary ul.files")).contains("<img src=x onerror=");
        assertThat(text("#diff")).contains("<script>document.title='pwned2'</script>").contains("<b onmouseover=");

        click("#register");
        waitFor("the new runs completed by the waiting agents",
                () -> all("#runs tr[data-status=completed]").size() == 6);
        click("#aggregate");
        waitFor("the report", () -> has("#report table.findings"));
        assertThat(text("#report td.file")).isEqualTo(evil);
        assertThat(all("#events li")).anySatisfy(e -> assertThat(e.getText()).contains("<img src=x"));

        for (String panel : List.of("#pr-summary", "#report", "#events", "#tools", "#kv", "#workers")) {
            assertThat(browser.findElements(By.cssSelector(panel + " img, " + panel + " script, " + panel + " b")))
                    .as("elements made from text in %s", panel).isEmpty();
        }
        assertThat(browser.getTitle()).isEqualTo("Distributed PR Review · mcp-state");
    }

    private WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    private List<WebElement> all(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    private boolean has(String css) {
        return !all(css).isEmpty();
    }

    private String text(String css) {
        // the panels are rendered anew on every state poll: an element found a moment ago may be gone, so find it
        // again until its text is read
        return await("the text of " + css).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .ignoreException(StaleElementReferenceException.class).until(() -> {
                    List<WebElement> found = all(css);
                    return found.isEmpty() ? "" : found.get(0).getText();
                }, read -> true);
    }

    private void click(String css) {
        find(css).click();
    }

    private void waitFor(String what, Supplier<Boolean> condition) {
        await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(condition::get);
    }
}
