package dev.mcpstate.demo.prreview.internal.review;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Security checks of added lines:
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>rule</th><th>severity</th><th>finds</th></tr>
 *   <tr><td>{@code hardcoded-secret}</td><td>critical (a key with a known format: private key block, AWS, GitHub,
 *       Slack, Stripe), high (a password, secret, token or API key assigned a literal)</td><td>credentials in the
 *       source or in configuration files</td></tr>
 *   <tr><td>{@code sql-concatenation}</td><td>high</td><td>SQL text built with {@code +}, {@code %}, {@code format},
 *       f-strings or template literals</td></tr>
 *   <tr><td>{@code tls-verification-disabled}</td><td>high</td><td>certificate or host name checks turned off</td></tr>
 *   <tr><td>{@code code-execution}</td><td>high</td><td>eval, exec, shell commands</td></tr>
 *   <tr><td>{@code unsafe-deserialization}</td><td>high</td><td>pickle, yaml.load, Java serialization, polymorphic
 *       typing</td></tr>
 * </table>
 */
final class SecurityReviewer extends RuleBasedReviewer {

    private static final List<KnownKey> KNOWN_KEYS = List.of(
            new KnownKey(Pattern.compile("-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
                    "private key"),
            new KnownKey(Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"), "AWS access key id"),
            new KnownKey(Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{36}\\b"), "GitHub token"),
            new KnownKey(Pattern.compile("\\bxox[baprs]-[A-Za-z0-9-]{10,}"), "Slack token"),
            new KnownKey(Pattern.compile("\\b[sr]k_live_[A-Za-z0-9]{16,}"), "Stripe live key"));
    private static final String SECRET_NAME =
            "[\\w.-]*?(?:password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|token|"
                    + "private[_-]?key|credentials?)[\\w.-]*";
    private static final Pattern SECRET_LITERAL = Pattern.compile("(?i)\\b(" + SECRET_NAME
            + ")[\"']?\\s*(?:=|:|:=|=>)\\s*(?:new\\s+String\\(\\s*)?[\"']([^\"'\\s]{6,})[\"']");
    private static final Pattern SECRET_SETTING = Pattern.compile("(?i)^\\s*(?:export\\s+)?(" + SECRET_NAME
            + ")\\s*[=:]\\s*[\"']?([^\"'\\s#]{6,})");
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "(?i)^(?:\\$\\{.*|\\{\\{.*|<.*>|%\\(.*|changeme|placeholder|dummy|x{3,}|\\*{3,}|your[_-].*|example.*"
                    + "|redacted|none|null|true|false|os\\.environ.*|process\\.env.*|env\\(.*)$");
    private static final Pattern SQL_IN_STRING = Pattern.compile(
            "(?i)[\"'`][^\"'`]*\\b(?:select\\s+[\\w*,.\\s]+\\s+from|insert\\s+into|update\\s+\\w+\\s+set|"
                    + "delete\\s+from|where\\s+\\w+\\s*(?:=|<|>|like|in)|order\\s+by|values\\s*\\()");
    private static final Pattern SQL_BUILT = Pattern.compile(
            "[\"'`]\\s*\\+|\\+\\s*[\"'`]|\\+=\\s*[\"'`]|\\$\\{|(?<![\\w])f[\"']|[\"']\\s*%\\s*[\\w(]|\\.format\\s*\\(|"
                    + "String\\.format\\s*\\(|fmt\\.Sprintf\\s*\\(|\\.concat\\s*\\(");
    private static final Pattern TLS_OFF = Pattern.compile(String.join("|",
            "\\bverify\\s*=\\s*False\\b",
            "rejectUnauthorized\\s*:\\s*false",
            "NODE_TLS_REJECT_UNAUTHORIZED[\"']?\\]?\\s*=\\s*[\"']?0",
            "InsecureSkipVerify\\s*:\\s*true",
            "\\bCERT_NONE\\b",
            "_create_unverified_context",
            "check_hostname\\s*=\\s*False",
            "NoopHostnameVerifier|ALLOW_ALL_HOSTNAME_VERIFIER|TrustAllStrategy|TrustSelfSignedStrategy",
            "setHostnameVerifier\\s*\\(\\s*\\(?[\\w\\s,]*\\)?\\s*->\\s*true",
            "checkServerTrusted\\s*\\([^)]*\\)\\s*(?:throws\\s+[\\w.]+\\s*)?\\{\\s*}",
            "\\bcurl\\b.*\\s(?:-k|--insecure)\\b",
            "strictSSL\\s*[:=]\\s*false"));
    private static final Pattern CODE_EXECUTION = Pattern.compile(String.join("|",
            "(?<![\\w.])eval\\s*\\(",
            "\\b(?:engine|scriptEngine|interpreter)\\.eval\\s*\\(",
            "(?<![\\w.])exec(?:Sync)?\\s*\\(",
            "child_process[\"']?\\)?\\.(?:exec|execSync|spawn)\\s*\\(",
            "getRuntime\\(\\)\\s*\\.exec\\s*\\(",
            "\\bos\\.(?:system|popen)\\s*\\(",
            "\\bsubprocess\\.\\w+\\(.*shell\\s*=\\s*True",
            "new\\s+Function\\s*\\(",
            "\\bshell_exec\\s*\\(|\\bpassthru\\s*\\("));
    private static final Pattern DESERIALIZATION = Pattern.compile(String.join("|",
            "\\b(?:c?[Pp]ickle|dill|shelve)\\.loads?\\s*\\(",
            "\\byaml\\.load\\s*\\((?![^)]*(?:SafeLoader|CSafeLoader|BaseLoader))",
            "\\byaml\\.unsafe_load\\s*\\(",
            "new\\s+ObjectInputStream\\s*\\(",
            "\\.readObject\\s*\\(\\s*\\)",
            "\\bXMLDecoder\\b",
            "\\b(?:enableDefaultTyping|activateDefaultTyping)\\s*\\(",
            "\\bMarshal\\.load\\b",
            "(?<![\\w.])unserialize\\s*\\(",
            "\\bjsonpickle\\.decode\\s*\\(",
            "\\bBinaryFormatter\\b"));

    SecurityReviewer() {
        super(List.of(
                new LineRule("hardcoded-secret", Severity.CRITICAL, line -> true, SecurityReviewer::knownKey),
                new LineRule("hardcoded-secret", Severity.HIGH, line -> line.language() != Language.DOC,
                        SecurityReviewer::secretLiteral),
                LineRule.code("sql-concatenation", Severity.HIGH, line -> SQL_IN_STRING.matcher(line.text()).find()
                        && SQL_BUILT.matcher(line.text()).find()
                        ? "SQL built from strings: user input can change the query (SQL injection); use bind "
                                + "parameters" : null),
                new LineRule("tls-verification-disabled", Severity.HIGH, line -> line.language() != Language.DOC,
                        line -> TLS_OFF.matcher(line.text()).find()
                                ? "TLS certificate or host name verification turned off: any man in the middle "
                                        + "can read and alter the traffic" : null),
                LineRule.code("code-execution", Severity.HIGH, line -> matchOf(CODE_EXECUTION, line) == null ? null
                        : "'" + matchOf(CODE_EXECUTION, line).trim() + "' runs code or a shell command built at "
                                + "run time: never pass it data from outside"),
                LineRule.code("unsafe-deserialization", Severity.HIGH, line -> matchOf(DESERIALIZATION, line) == null
                        ? null : "'" + matchOf(DESERIALIZATION, line).trim() + "' deserializes into arbitrary "
                                + "objects: untrusted bytes can run code; use a data-only format (JSON, safe_load)")));
    }

    @Override
    public ReviewKind kind() {
        return ReviewKind.SECURITY;
    }

    private static String knownKey(AddedLine line) {
        for (KnownKey key : KNOWN_KEYS) {
            if (key.pattern().matcher(line.text()).find()) {
                return key.name() + " committed to the repository: revoke it and load it from a secret store";
            }
        }
        return null;
    }

    private static String secretLiteral(AddedLine line) {
        if (knownKey(line) != null) {
            return null; // reported as critical already
        }
        Matcher m = SECRET_LITERAL.matcher(line.text());
        boolean found = m.find();
        if (!found && line.language() == Language.CONFIG) {
            m = SECRET_SETTING.matcher(line.text());
            found = m.find();
        }
        if (!found) {
            return null;
        }
        String name = m.group(1);
        String value = m.group(2);
        if (PLACEHOLDER.matcher(value).matches() || name.toLowerCase(Locale.ROOT).endsWith("_env")
                || !looksSecret(value)) {
            return null;
        }
        return "hard-coded credential '" + name + "': anyone with the code has it; read it from the environment or "
                + "a secret store";
    }

    /** A label such as "Password" is not a secret: a secret has a digit or a symbol, or is long. */
    private static boolean looksSecret(String value) {
        return value.length() >= 16 || value.chars().anyMatch(c -> !Character.isLetter(c));
    }

    private static String matchOf(Pattern pattern, AddedLine line) {
        Matcher m = pattern.matcher(line.text());
        return m.find() ? m.group() : null;
    }

    private record KnownKey(Pattern pattern, String name) {
    }
}
