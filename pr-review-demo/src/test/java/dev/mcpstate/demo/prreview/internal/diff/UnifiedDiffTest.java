package dev.mcpstate.demo.prreview.internal.diff;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnifiedDiffTest {

    @Test
    void gitFormatPatchGivesTitleFilesStatusesAndNewFileLineNumbers() {
        PatchSet patch = UnifiedDiff.parse("""
                From 1234 Mon Sep 17 00:00:00 2001
                From: Dana <dana@acme.test>
                Subject: [PATCH 1/2] Add the report and
                 drop the old exporter

                Body text.
                ---
                 a.txt | 2 +-
                 2 files changed

                diff --git a/src/App.java b/src/App.java
                index 1111111..2222222 100644
                --- a/src/App.java
                +++ b/src/App.java
                @@ -10,4 +10,5 @@ class App {
                     int a;
                -    int b;
                +    int c;
                +    int d;
                     int e;
                 }
                diff --git a/old.txt b/old.txt
                deleted file mode 100644
                --- a/old.txt
                +++ /dev/null
                @@ -1,2 +0,0 @@
                -one
                --- two
                diff --git a/docs/a.md b/docs/b.md
                similarity index 100%
                rename from docs/a.md
                rename to docs/b.md
                diff --git a/new.py b/new.py
                new file mode 100644
                --- /dev/null
                +++ b/new.py
                @@ -0,0 +1,2 @@
                +import os
                +print(os.name)
                \\ No newline at end of file
                diff --git a/logo.png b/logo.png
                Binary files a/logo.png and b/logo.png differ
                --\s
                2.39.2
                """);
        assertThat(patch.title()).isEqualTo("Add the report and drop the old exporter");
        assertThat(patch.files()).extracting(DiffFile::path)
                .containsExactly("src/App.java", "old.txt", "docs/b.md", "new.py", "logo.png");
        assertThat(patch.files()).extracting(DiffFile::status).containsExactly(DiffFile.Status.MODIFIED,
                DiffFile.Status.DELETED, DiffFile.Status.RENAMED, DiffFile.Status.ADDED, DiffFile.Status.MODIFIED);

        DiffFile app = patch.files().get(0);
        assertThat(app.additions()).isEqualTo(2);
        assertThat(app.deletions()).isEqualTo(1);
        assertThat(app.addedLines()).extracting(DiffLine::newLine).containsExactly(11, 12);
        assertThat(app.addedLines()).extracting(DiffLine::text).containsExactly("    int c;", "    int d;");
        assertThat(app.hunks().get(0).lines()).hasSize(6);

        DiffFile old = patch.files().get(1);
        assertThat(old.deletions()).as("a removed line starting with '-- ' is still a removed line").isEqualTo(2);
        assertThat(patch.files().get(2).oldPath()).isEqualTo("docs/a.md");
        assertThat(patch.files().get(3).addedLines()).extracting(DiffLine::text)
                .containsExactly("import os", "print(os.name)");
        assertThat(patch.files().get(4).binary()).isTrue();
        assertThat(patch.files().get(3).extension()).isEqualTo("py");
    }

    @Test
    void plainDiffUWithoutGitHeadersAndTimestamps() {
        PatchSet patch = UnifiedDiff.parse("""
                --- lib/util.c\t2024-01-01 10:00:00
                +++ lib/util.c\t2024-01-02 10:00:00
                @@ -1 +1,2 @@
                -int x;
                +int x = 0;
                +int y = 0;
                --- lib/other.c
                +++ lib/other.c
                @@ -5,0 +6 @@
                +int z;
                """);
        assertThat(patch.title()).isNull();
        assertThat(patch.files()).extracting(DiffFile::path).containsExactly("lib/util.c", "lib/other.c");
        assertThat(patch.files().get(1).addedLines().get(0).newLine()).isEqualTo(6);
    }

    @Test
    void crLfLineEndsAreAccepted() {
        PatchSet patch = UnifiedDiff.parse("--- a/x.txt\r\n+++ b/x.txt\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n");
        assertThat(patch.files().get(0).addedLines().get(0).text()).isEqualTo("b");
    }

    @Test
    void textWithoutFileChangesIsRefusedWithAPlainMessage() {
        assertThatThrownBy(() -> UnifiedDiff.parse("hello\nthis is not a diff\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a unified diff");
        assertThatThrownBy(() -> UnifiedDiff.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedHunkHeaderNamesTheLine() {
        assertThatThrownBy(() -> UnifiedDiff.parse("--- a/x\n+++ b/x\n@@ -1,x +1 @@\n+a\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 3");
    }
}
