package dev.mcpstate.demo.prreview.internal.review;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityReviewerTest {

    private static List<String> rules(String path, String... lines) {
        return Diffs.review(ReviewKind.SECURITY, path, lines).stream().map(f -> f.rule() + "/" + f.severity().wireName())
                .toList();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            App.java     | String key = "AKIAIOSFODNN7EXAMPLE";
            app.js       | const t = "ghp_4kX9vQ2mZ7rT1bN8cL5wY3pJ6hF0dS2aE9uK";
            id_rsa.txt   | -----BEGIN RSA PRIVATE KEY-----
            pay.py       | stripe.api_key = "sk_live_51HxYzAbCdEfGhIjKlMn"
            """)
    void knownKeyFormatsAreCritical(String path, String line) {
        assertThat(rules(path, line)).containsExactly("hardcoded-secret/critical");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            Db.java          | private static final String DB_PASSWORD = "Sup3rS3cret!";
            conf.py          | API_KEY = 'a8Fq0x9LmZ2pW7rT'
            client.go        | token := "0f3c9a7e55b1d2e4"
            app.properties   | payments.api-key=4f9c2e7a1b3d5f60
            .env             | export AUTH_TOKEN=9x8y7z6w5v4u
            settings.yml     | password: hunter2hunter2
            """)
    void credentialsAssignedLiteralsAreHigh(String path, String line) {
        assertThat(rules(path, line)).containsExactly("hardcoded-secret/high");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            Db.java          | String password = System.getenv("DB_PASSWORD");
            conf.py          | API_KEY = os.environ["API_KEY"]
            app.properties   | db.password=${DB_PASSWORD}
            settings.yml     | password: changeme
            Form.java        | String passwordLabel = "Password";
            README.md        | Set password = "hunter2hunter2" in your local config.
            """)
    void environmentLookupsPlaceholdersAndProseAreNotSecrets(String path, String line) {
        assertThat(rules(path, line)).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            Dao.java  | String sql = "SELECT * FROM users WHERE name = '" + name + "'";
            Dao.java  | rs = st.executeQuery("DELETE FROM orders WHERE id = " + id);
            dao.py    | cursor.execute(f"SELECT id FROM users WHERE email = '{email}'")
            dao.py    | cursor.execute("UPDATE users SET name = '%s'" % name)
            dao.py    | q = "INSERT INTO t VALUES ({})".format(v)
            dao.js    | db.query(`SELECT * FROM users WHERE id = ${req.params.id}`)
            dao.go    | db.Query(fmt.Sprintf("SELECT * FROM users WHERE id = %s", id))
            """)
    void sqlBuiltFromStringsIsFound(String path, String line) {
        assertThat(rules(path, line)).containsExactly("sql-concatenation/high");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            Dao.java  | ps = c.prepareStatement("SELECT * FROM users WHERE name = ?");
            dao.py    | cursor.execute("SELECT id FROM users WHERE email = %s", (email,))
            App.java  | String greeting = "Hello " + name + ", select an option";
            """)
    void boundParametersAndOrdinaryStringsAreNotSqlInjection(String path, String line) {
        assertThat(rules(path, line)).doesNotContain("sql-concatenation/high");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            fetch.py     | requests.get(url, verify=False)
            hook.js      | agent: new https.Agent({ rejectUnauthorized: false }),
            hook.js      | process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
            client.go    | TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
            ssl.py       | ctx.verify_mode = ssl.CERT_NONE
            Http.java    | .setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE)
            Http.java    | conn.setHostnameVerifier((host, session) -> true);
            deploy.sh    | curl -k https://internal/api
            """)
    void disabledTlsVerificationIsFound(String path, String line) {
        assertThat(rules(path, line)).containsExactly("tls-verification-disabled/high");
    }

    @Test
    void verifiedTlsIsFine() {
        assertThat(rules("fetch.py", "requests.get(url, verify=True, timeout=5)")).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            calc.py    | result = eval(expression)
            run.py     | exec(code, {})
            run.py     | os.system("rm -rf " + path)
            run.py     | subprocess.run(cmd, shell=True)
            Run.java   | Runtime.getRuntime().exec(command);
            hook.js    | exec("git pull " + branch, cb);
            hook.js    | require("child_process").execSync(cmd);
            calc.js    | const f = new Function("a", body);
            """)
    void evalExecAndShellsAreFound(String path, String line) {
        assertThat(rules(path, line)).containsExactly("code-execution/high");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            parse.js   | const m = /a+/.exec(text);
            run.py     | subprocess.run(["git", "pull"], check=True)
            Ev.java    | evaluator.evaluate(x);
            """)
    void regexExecArgumentListsAndLookalikesAreFine(String path, String line) {
        assertThat(rules(path, line)).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            jobs.py    | job = pickle.loads(blob)
            conf.py    | data = yaml.load(stream)
            In.java    | ObjectInputStream in = new ObjectInputStream(socket.getInputStream());
            In.java    | Object o = in.readObject();
            Json.java  | mapper.enableDefaultTyping();
            load.rb    | obj = Marshal.load(data)
            load.php   | $o = unserialize($_POST['o']);
            """)
    void unsafeDeserializationIsFound(String path, String line) {
        assertThat(rules(path, line)).containsExactly("unsafe-deserialization/high");
    }

    @Test
    void safeYamlIsFine() {
        assertThat(rules("conf.py", "data = yaml.load(stream, Loader=yaml.SafeLoader)", "other = yaml.safe_load(s)"))
                .isEmpty();
    }

    @Test
    void findingsNameFileLineAndRationale() {
        List<Finding> findings = Diffs.review(ReviewKind.SECURITY, "src/a.py", "import pickle", "x = pickle.loads(b)");
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("security");
            assertThat(f.file()).isEqualTo("src/a.py");
            assertThat(f.line()).isEqualTo(2);
            assertThat(f.message()).contains("pickle.loads").doesNotContain("\n");
        });
    }
}
