// Independent verification of Orquestra's output with libraries nobody on the project wrote.
// Reads one JSON request per stdin line, writes one JSON answer per stdout line (same order):
//   {"kind":"tx","id","tx_base64","expected":{"header":[n,n,n],"accounts":[{"pubkey","signer","writable"}],
//    "program_id","data_hex"}}             → {"id","ok","errors":[…]}   (@solana/web3.js VersionedTransaction)
//   {"kind":"pda","id","program_id","seeds_hex":[…]} → {"id","address","bump"} (web3.js findProgramAddressSync)
//   {"kind":"resolve","id","idl_path","instruction","args":{…},"accounts":{…}}
//                                          → {"id","accounts":{name: pubkey}} | {"id","error"} (@coral-xyz/anchor)
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import web3 from "@solana/web3.js";
import anchor from "@coral-xyz/anchor";

const { PublicKey, VersionedTransaction, Keypair, Connection } = web3;

function verifyTx(req) {
  const errors = [];
  const tx = VersionedTransaction.deserialize(Buffer.from(req.tx_base64, "base64"));
  const msg = tx.message;
  const e = req.expected;
  const h = msg.header;
  const header = [h.numRequiredSignatures, h.numReadonlySignedAccounts, h.numReadonlyUnsignedAccounts];
  if (JSON.stringify(header) !== JSON.stringify(e.header)) errors.push(`header ${header} != ${e.header}`);
  if (tx.signatures.length !== h.numRequiredSignatures) errors.push(`signatures ${tx.signatures.length} != ${h.numRequiredSignatures}`);
  const keys = msg.staticAccountKeys.map((k) => k.toBase58());
  if (keys.length !== e.accounts.length) errors.push(`account count ${keys.length} != ${e.accounts.length}`);
  e.accounts.forEach((acc, i) => {
    if (keys[i] !== acc.pubkey) errors.push(`account ${i}: ${keys[i]} != ${acc.pubkey}`);
    if (msg.isAccountSigner(i) !== acc.signer) errors.push(`account ${i} signer ${msg.isAccountSigner(i)} != ${acc.signer}`);
    if (msg.isAccountWritable(i) !== acc.writable) errors.push(`account ${i} writable ${msg.isAccountWritable(i)} != ${acc.writable}`);
  });
  const ix = msg.compiledInstructions.find((c) => keys[c.programIdIndex] === e.program_id);
  if (!ix) errors.push(`no instruction for program ${e.program_id}`);
  else if (Buffer.from(ix.data).toString("hex") !== e.data_hex) errors.push(`data ${Buffer.from(ix.data).toString("hex")} != ${e.data_hex}`);
  return { id: req.id, ok: errors.length === 0, errors };
}

function pda(req) {
  const seeds = req.seeds_hex.map((h) => Buffer.from(h, "hex"));
  const [address, bump] = PublicKey.findProgramAddressSync(seeds, new PublicKey(req.program_id));
  return { id: req.id, address: address.toBase58(), bump };
}

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

// Canonical JSON (see the README) → the JS values @coral-xyz/anchor's coder expects, by IDL type.
function toAnchor(ty, value, types) {
  if (value === null || value === undefined) return null;
  if (typeof ty === "string") {
    if (/^[ui](64|128|256)$/.test(ty)) return new anchor.BN(String(value));
    if (ty === "pubkey" || ty === "publicKey") return new PublicKey(value);
    if (ty === "bytes") return Buffer.from(value);
    return value;
  }
  if (ty.option || ty.coption) return toAnchor(ty.option || ty.coption, value, types);
  if (ty.vec) return value.map((v) => toAnchor(ty.vec, v, types));
  if (ty.array) return value.map((v) => toAnchor(ty.array[0], v, types));
  if (ty.defined) {
    const name = typeof ty.defined === "string" ? ty.defined : ty.defined.name;
    const def = types.find((t) => t.name === name);
    if (!def) return value;
    if (def.type.kind === "struct") {
      const out = {};
      for (const f of def.type.fields || []) {
        if (typeof f === "object" && f.name !== undefined) out[camel(f.name)] = toAnchor(f.type, value[f.name] ?? value[camel(f.name)], types);
      }
      return out;
    }
    if (def.type.kind === "enum") {
      if (typeof value === "string") return { [camel(value)]: {} };
      const [variant, inner] = Object.entries(value)[0];
      return { [camel(variant)]: inner };
    }
  }
  return value;
}

// A provider whose connection is never reachable: resolution that needs chain data fails loudly.
function offlineProvider() {
  const connection = new Connection("http://127.0.0.1:9");
  const wallet = new anchor.Wallet(Keypair.generate());
  return new anchor.AnchorProvider(connection, wallet, {});
}

const programs = new Map();
async function resolve(req) {
  try {
    let program = programs.get(req.idl_path);
    if (!program) {
      const idl = JSON.parse(readFileSync(req.idl_path, "utf8"));
      program = { idl, program: new anchor.Program(idl, offlineProvider()) };
      programs.set(req.idl_path, program);
    }
    const ixDef = program.idl.instructions.find((i) => i.name === req.instruction);
    const args = (ixDef.args || []).map((a) => toAnchor(a.type, req.args[a.name], program.idl.types || []));
    const accounts = {};
    for (const [k, v] of Object.entries(req.accounts || {})) accounts[camel(k)] = v === null ? null : new PublicKey(v);
    const keys = await program.program.methods[camel(req.instruction)](...args).accountsPartial(accounts).pubkeys();
    const out = {};
    for (const [k, v] of Object.entries(keys)) if (v) out[k] = v.toBase58();
    return { id: req.id, accounts: out };
  } catch (err) {
    return { id: req.id, error: String(err && err.message ? err.message : err).split("\n")[0] };
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  let answer;
  try {
    const req = JSON.parse(line);
    if (req.kind === "tx") answer = verifyTx(req);
    else if (req.kind === "pda") answer = pda(req);
    else if (req.kind === "resolve") answer = await resolve(req);
    else answer = { id: req.id, error: `unknown kind ${req.kind}` };
  } catch (err) {
    answer = { error: String(err && err.message ? err.message : err) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
