package dev.mcpstate.demo.prreview.internal.review;

import dev.mcpstate.demo.prreview.internal.diff.DiffFile;

import java.util.Set;

/** What a changed file is written in, by its extension; decides which checks apply. */
enum Language {
    JAVA, KOTLIN, PYTHON, JAVASCRIPT, GO, RUBY, PHP, CSHARP, C, SHELL, CONFIG, DOC, OTHER;

    private static final Set<Language> CODE = Set.of(JAVA, KOTLIN, PYTHON, JAVASCRIPT, GO, RUBY, PHP, CSHARP, C,
            SHELL);

    static Language of(DiffFile file) {
        return switch (file.extension()) {
            case "java" -> JAVA;
            case "kt", "kts" -> KOTLIN;
            case "py" -> PYTHON;
            case "js", "jsx", "ts", "tsx", "mjs", "cjs" -> JAVASCRIPT;
            case "go" -> GO;
            case "rb" -> RUBY;
            case "php" -> PHP;
            case "cs" -> CSHARP;
            case "c", "h", "cc", "cpp", "hpp" -> C;
            case "sh", "bash" -> SHELL;
            case "properties", "yml", "yaml", "env", "ini", "toml", "conf", "cfg", "json", "xml" -> CONFIG;
            case "md", "txt", "rst", "adoc" -> DOC;
            default -> file.path().endsWith("/.env") || file.path().equals(".env") ? CONFIG : OTHER;
        };
    }

    /** @return true for program source */
    boolean isCode() {
        return CODE.contains(this);
    }

    /** @return true where blocks are marked by indentation, not braces */
    boolean indentBlocks() {
        return this == PYTHON;
    }
}
