package dev.mcpstate.examples.wrap;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every {@code <!-- snippet: path -->} block of the README is that file, verbatim: the README's code compiles. */
class ReadmeSnippetTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+) -->\\n```java\\n(.*?)```",
            Pattern.DOTALL);

    @Test
    void theReadmeShowsTheCompiledFilesVerbatim() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = SNIPPET.matcher(readme);
        int snippets = 0;
        while (m.find()) {
            snippets++;
            Path file = ROOT.resolve(m.group(1));
            assertThat(file).as("the file a README snippet names").exists();
            assertThat(m.group(2)).as("README snippet of %s", m.group(1)).isEqualTo(Files.readString(file));
        }
        assertThat(snippets).as("snippets in the README").isGreaterThanOrEqualTo(1);
    }
}
