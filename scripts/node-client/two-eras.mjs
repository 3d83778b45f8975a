// A real outside MCP client on one endpoint, in both protocol eras: the TypeScript SDK's client
// (@modelcontextprotocol/client) negotiates 2026-07-28 ('auto': server/discover first), lists the tools and calls
// echo and whoami; then a client of the default era initializes (2025-11-25) and calls echo. Prints one JSON line.
//
//   node two-eras.mjs URL [CALLS]      CALLS: how many whoami calls (default 6), to see which nodes answer
//
// Bounded: every request 10 s, the whole run 60 s (exit 2). Exit 1 when a step fails.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = new URL(process.argv[2]);
const calls = Number(process.argv[3] ?? 6);
const timeout = { timeout: 10_000 };
setTimeout(() => { console.error('two-eras: gave up after 60 s'); process.exit(2); }, 60_000).unref();

function text(result) {
  return (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('');
}

async function run(negotiation) {
  const client = new Client({ name: 'mcp-state-two-eras', version: '1.0.0' },
    negotiation ? { versionNegotiation: negotiation } : {});
  await client.connect(new StreamableHTTPClientTransport(url), timeout);
  try {
    const tools = await client.listTools({}, timeout);
    const echo = await client.callTool({ name: 'echo', arguments: { text: 'hello from node' } }, timeout);
    const whoami = [];
    for (let i = 0; i < calls; i++) {
      whoami.push(text(await client.callTool({ name: 'whoami', arguments: {} }, timeout)));
    }
    return {
      era: client.getProtocolEra(),
      version: client.getNegotiatedProtocolVersion(),
      server: client.getServerVersion()?.name,
      tools: tools.tools.map((t) => t.name),
      echo: text(echo),
      whoami,
    };
  } finally {
    await client.close();
  }
}

try {
  const modern = await run({ mode: 'auto' });
  const legacy = await run(undefined);
  console.log(JSON.stringify({ modern, legacy }));
  process.exit(0);
} catch (e) {
  console.error('two-eras: ' + (e?.stack ?? e));
  process.exit(1);
}
