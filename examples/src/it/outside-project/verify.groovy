// The outside project (its variables come from the examples pom's scriptVariables) resolved exactly the versions mcp-state is built and tested with.
def listed = new File(basedir, 'target/dependencies.txt').text
def expected = [
    "dev.mcpstate:mcp-state-jetty-integration:jar:${projectVersion}",
    "dev.mcpstate:mcp-state-interceptor-core:jar:${projectVersion}",
    "dev.mcpstate:mcp-state-storage:jar:${projectVersion}",
    "io.modelcontextprotocol.sdk:mcp-core:jar:${mcpSdkVersion}",
    "io.modelcontextprotocol.sdk:mcp-json-jackson2:jar:${mcpSdkVersion}",
    "com.fasterxml.jackson.core:jackson-databind:jar:${jacksonVersion}",
    "io.projectreactor:reactor-core:jar:${reactorVersion}",
    "org.eclipse.jetty:jetty-server:jar:${jettyVersion}",
    "org.eclipse.jetty.ee10:jetty-ee10-servlet:jar:${jettyVersion}",
    "io.lettuce:lettuce-core:jar:${lettuceVersion}",
    "org.xerial:sqlite-jdbc:jar:${sqliteJdbcVersion}",
    "com.github.ben-manes.caffeine:caffeine:jar:${caffeineVersion}",
    "com.nimbusds:nimbus-jose-jwt:jar:${nimbusVersion}",
    "io.micrometer:micrometer-core:jar:${micrometerVersion}",
    "io.micrometer:micrometer-registry-prometheus:jar:${micrometerVersion}",
]
def missing = expected.findAll { !listed.contains(it) }
assert missing.isEmpty() : "resolved other versions than mcp-state is tested with: ${missing}\n${listed}"
return true
