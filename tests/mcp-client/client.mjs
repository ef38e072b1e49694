// Drives Orquestra's /mcp endpoint with the official MCP TypeScript SDK client
// (StreamableHTTPClientTransport): initialize, list the tools, call every tool, and check the
// transaction build_instruction returns with @solana/web3.js against a golden vector.
//
// Usage: node client.mjs '<json>' where json is
//   {url, token, system, ata, payer, other, mint, tokenProgram,
//    golden: {instruction, args, hex}}
// Prints one JSON line per check: {"check": name, "ok": bool, ...details}. Exit code 0 unless
// the harness itself breaks; the Rust test asserts on the lines.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { PublicKey, VersionedTransaction } from "@solana/web3.js";

const input = JSON.parse(process.argv[2]);

function report(check, ok, details = {}) {
  process.stdout.write(JSON.stringify({ check, ok: Boolean(ok), ...details }) + "\n");
}

async function check(name, fn) {
  try {
    const details = await fn();
    report(name, true, details ?? {});
  } catch (error) {
    report(name, false, { error: String(error?.stack ?? error) });
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** A successful tool call's result (content text + structuredContent). */
async function callOk(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  assert(!result.isError, `${name} failed: ${JSON.stringify(result)}`);
  assert(result.content?.length === 1 && result.content[0].type === "text", `${name}: one text item`);
  assert(result.content[0].text.length > 0, `${name}: empty text`);
  assert(result.structuredContent && typeof result.structuredContent === "object", `${name}: no structuredContent`);
  if (name !== "read_llms_txt") {
    const text = JSON.stringify(JSON.parse(result.content[0].text));
    assert(text === JSON.stringify(result.structuredContent), `${name}: the text is the structuredContent`);
  }
  return result;
}

const client = new Client({ name: "orquestra-mcp-client-test", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(input.url));

await check("initialize", async () => {
  await client.connect(transport);
  const server = client.getServerVersion();
  assert(server?.name === "orquestra", `server name ${JSON.stringify(server)}`);
  assert(client.getServerCapabilities()?.tools, "no tools capability");
  return { server, instructions: (client.getInstructions() ?? "").slice(0, 40) };
});

await check("list_tools", async () => {
  const { tools } = await client.listTools();
  assert(tools.length === 14, `expected 14 tools, got ${tools.length}`);
  for (const tool of tools) {
    assert(tool.inputSchema?.type === "object", `${tool.name}: inputSchema`);
    assert(tool.description?.length > 20, `${tool.name}: description`);
  }
  assert(!tools.some((t) => t.name === "get_ai_analysis"), "get_ai_analysis is not offered");
  return { tools: tools.map((t) => t.name) };
});

await check("search_programs", async () => {
  const result = await callOk(client, "search_programs", { query: "token", limit: 5 });
  const ids = result.structuredContent.projects.map((p) => p.id);
  assert(ids.includes(input.token), `token project not found: ${ids}`);
  return { found: ids.length };
});

await check("list_instructions", async () => {
  const result = await callOk(client, "list_instructions", { projectId: input.token });
  const names = result.structuredContent.instructions.map((i) => i.name);
  assert(names.includes(input.golden.instruction), `no ${input.golden.instruction}`);
  assert(result.structuredContent.detail === "summary", "summary by default");
  return { instructions: names.length };
});

await check("get_instruction", async () => {
  const result = await callOk(client, "get_instruction", { projectId: input.token, instruction: input.golden.instruction });
  assert(result.structuredContent.instruction?.name === input.golden.instruction, JSON.stringify(result.structuredContent).slice(0, 200));
  return {};
});

let builtTransfer;
await check("build_instruction", async () => {
  const result = await callOk(client, "build_instruction", {
    projectId: input.token,
    instruction: input.golden.instruction,
    args: input.golden.args,
    accounts: { source: input.mint, destination: input.other, authority: input.payer },
    feePayer: input.payer,
    cluster: "localnet",
  });
  builtTransfer = result.structuredContent;
  assert(builtTransfer.blockhashSource === "rpc", "blockhash from the cluster");
  return { wireFormat: builtTransfer.wireFormat };
});

await check("golden_transaction", async () => {
  assert(builtTransfer, "build_instruction did not succeed");
  const bytes = Buffer.from(builtTransfer.transaction, "base64");
  const tx = VersionedTransaction.deserialize(bytes);
  const message = tx.message;
  const keys = message.staticAccountKeys.map((k) => k.toBase58());
  const ix = message.compiledInstructions.find((i) => keys[i.programIdIndex] === input.tokenProgram);
  assert(ix, `no instruction for ${input.tokenProgram} in ${keys}`);
  const hex = Buffer.from(ix.data).toString("hex");
  assert(hex === input.golden.hex, `data ${hex} != golden ${input.golden.hex}`);
  assert(keys[0] === input.payer, "fee payer first");
  assert(message.recentBlockhash === builtTransfer.recentBlockhash, "blockhash");
  assert(tx.signatures.length === message.header.numRequiredSignatures, "signature slots");
  return { hex, accounts: keys.length };
});

await check("decode_transaction", async () => {
  assert(builtTransfer, "build_instruction did not succeed");
  const result = await callOk(client, "decode_transaction", { serializedTransaction: builtTransfer.transaction });
  assert(JSON.stringify(result.structuredContent).includes(`"${input.golden.instruction}"`), "instruction named");
  return {};
});

let systemTransfer;
await check("simulate_instruction", async () => {
  const args = {
    projectId: input.system,
    instruction: "transferSol",
    args: { amount: "1000000" },
    accounts: { source: input.payer, destination: input.other },
    feePayer: input.payer,
    network: "localnet",
  };
  const result = await callOk(client, "simulate_instruction", args);
  const sim = result.structuredContent.simulation;
  assert(sim.success === true, `simulation failed: ${JSON.stringify(sim)}`);
  assert(sim.unitsConsumed > 0, "compute units");
  systemTransfer = (await callOk(client, "build_instruction", { ...args, network: undefined, cluster: "localnet" })).structuredContent;
  return { unitsConsumed: sim.unitsConsumed };
});

await check("simulate_transaction", async () => {
  assert(systemTransfer, "no transaction to simulate");
  const result = await callOk(client, "simulate_transaction", {
    serializedTransaction: systemTransfer.transaction,
    encoding: "base64",
    cluster: "localnet",
  });
  assert(result.structuredContent.success === true, JSON.stringify(result.structuredContent));
  return { unitsConsumed: result.structuredContent.unitsConsumed };
});

let pda;
await check("list_pda_accounts", async () => {
  const result = await callOk(client, "list_pda_accounts", { projectId: input.ata });
  pda = result.structuredContent.pdaAccounts[0];
  assert(pda, "no PDA listed");
  return { pdas: result.structuredContent.pdaAccounts.length, first: pda.name };
});

await check("derive_pda", async () => {
  const values = { tokenProgram: input.tokenProgram, mint: input.mint };
  const seedValues = Object.fromEntries(pda.inputs.map((i) => [i.name, values[i.name] ?? input.payer]));
  const result = await callOk(client, "derive_pda", { projectId: input.ata, account: pda.name, seedValues });
  const derived = result.structuredContent;
  // Independent check: web3.js derives the same address from the same seed bytes.
  const seeds = derived.seeds.map((s) => Buffer.from(s.hex, "hex"));
  const [address, bump] = PublicKey.findProgramAddressSync(seeds, new PublicKey(derived.programId));
  assert(address.toBase58() === derived.address, `${address.toBase58()} != ${derived.address}`);
  assert(bump === derived.bump, "bump");
  return { address: derived.address };
});

await check("read_llms_txt", async () => {
  const result = await callOk(client, "read_llms_txt", { projectId: input.token });
  assert(result.content[0].text.startsWith("#"), "Markdown");
  assert(result.structuredContent.llmsTxt === result.content[0].text, "same document");
  return { bytes: result.content[0].text.length };
});

await check("fetch_pda_data", async () => {
  const result = await callOk(client, "fetch_pda_data", { projectId: input.system, address: input.payer, cluster: "localnet" });
  assert(result.structuredContent.lamports > 0, "funded account");
  assert(result.structuredContent.network === "localnet", "network");
  return { lamports: result.structuredContent.lamports };
});

await check("get_program_data", async () => {
  const result = await callOk(client, "get_program_data", { projectId: input.token, accountType: "mint", network: "localnet", limit: 5 });
  assert(Array.isArray(result.structuredContent.accounts), "accounts");
  return { matched: result.structuredContent.matched };
});

await check("diff_versions", async () => {
  const result = await callOk(client, "diff_versions", { projectId: input.token });
  const diff = result.structuredContent;
  assert(diff.from.version === 1 && diff.to.version === 1, "one version: diffed with itself");
  assert(diff.breaking === false && diff.changes.length === 0, "no changes");
  return { from: diff.from.version, to: diff.to.version };
});

await check("import_program", async () => {
  // Without an X-API-Key nobody owns the import: a tool error, before any RPC call.
  const result = await client.callTool({ name: "import_program", arguments: { programId: input.tokenProgram, cluster: "localnet" } });
  assert(result.isError === true, "isError");
  assert(JSON.parse(result.content[0].text).error?.code === "unauthorized", JSON.stringify(result));
  return { code: "unauthorized" };
});

await check("tool_error", async () => {
  const result = await client.callTool({ name: "list_instructions", arguments: { projectId: "no-such-project" } });
  assert(result.isError === true, "isError");
  assert(JSON.parse(result.content[0].text).error?.code === "not_found", JSON.stringify(result));
  const bad = await client.callTool({ name: "search_programs", arguments: { limit: 99 } });
  assert(bad.isError === true && JSON.parse(bad.content[0].text).error?.code === "invalid_params", JSON.stringify(bad));
  return { text: result.content[0].text };
});

await client.close();
