// A test-only Solana JSON-RPC server backed by one LiteSVM instance.
//
//   node server.mjs [PORT] [--watch-stdin]
//
// PORT (argv or $LITESVM_RPC_PORT; 0 = pick a free one). Listens on 127.0.0.1 only and prints
// `listening on http://127.0.0.1:PORT` as its first stdout line. With --watch-stdin it exits when
// its stdin closes (so a test harness that dies never leaves it running).
//
// Real RPC shapes for: getLatestBlockhash, getAccountInfo, getMultipleAccounts, getProgramAccounts,
// getBalance, getMinimumBalanceForRentExemption, simulateTransaction, sendTransaction, getVersion,
// getSlot, getBlockHeight, getHealth, getGenesisHash. Test-only: litesvm_airdrop,
// litesvm_setAccount, litesvm_addProgram, litesvm_expireBlockhash, litesvm_warpToSlot.

import http from "node:http";
import process from "node:process";
import { LiteSVM, FailedTransactionMetadata } from "litesvm";
import {
  address,
  getBase58Decoder,
  getBase58Encoder,
  getTransactionDecoder,
  lamports,
} from "@solana/kit";

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const U64_MAX = 18446744073709551615n;
const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const LITESVM_VERSION = "1.5.0";

// The const enums of litesvm's .d.ts are not exported at runtime: names by discriminant, in order.
const TX_ERRORS = [
  "AccountInUse", "AccountLoadedTwice", "AccountNotFound", "ProgramAccountNotFound",
  "InsufficientFundsForFee", "InvalidAccountForFee", "AlreadyProcessed", "BlockhashNotFound",
  "CallChainTooDeep", "MissingSignatureForFee", "InvalidAccountIndex", "SignatureFailure",
  "InvalidProgramForExecution", "SanitizeFailure", "ClusterMaintenance",
  "AccountBorrowOutstanding", "WouldExceedMaxBlockCostLimit", "UnsupportedVersion",
  "InvalidWritableAccount", "WouldExceedMaxAccountCostLimit", "WouldExceedAccountDataBlockLimit",
  "TooManyAccountLocks", "AddressLookupTableNotFound", "InvalidAddressLookupTableOwner",
  "InvalidAddressLookupTableData", "InvalidAddressLookupTableIndex", "InvalidRentPayingAccount",
  "WouldExceedMaxVoteCostLimit", "WouldExceedAccountDataTotalLimit",
  "MaxLoadedAccountsDataSizeExceeded", "ResanitizationNeeded",
  "InvalidLoadedAccountsDataSizeLimit", "UnbalancedTransaction", "ProgramCacheHitMaxLimit",
  "CommitCancelled",
];
const IX_ERRORS = [
  "GenericError", "InvalidArgument", "InvalidInstructionData", "InvalidAccountData",
  "AccountDataTooSmall", "InsufficientFunds", "IncorrectProgramId", "MissingRequiredSignature",
  "AccountAlreadyInitialized", "UninitializedAccount", "UnbalancedInstruction",
  "ModifiedProgramId", "ExternalAccountLamportSpend", "ExternalAccountDataModified",
  "ReadonlyLamportChange", "ReadonlyDataModified", "DuplicateAccountIndex", "ExecutableModified",
  "RentEpochModified", "NotEnoughAccountKeys", "AccountDataSizeChanged", "AccountNotExecutable",
  "AccountBorrowFailed", "AccountBorrowOutstanding", "DuplicateAccountOutOfSync", "InvalidError",
  "ExecutableDataModified", "ExecutableLamportChange", "ExecutableAccountNotRentExempt",
  "UnsupportedProgramId", "CallDepth", "MissingAccount", "ReentrancyNotAllowed",
  "MaxSeedLengthExceeded", "InvalidSeeds", "InvalidRealloc", "ComputationalBudgetExceeded",
  "PrivilegeEscalation", "ProgramEnvironmentSetupFailure", "ProgramFailedToComplete",
  "ProgramFailedToCompile", "Immutable", "IncorrectAuthority", "AccountNotRentExempt",
  "InvalidAccountOwner", "ArithmeticOverflow", "UnsupportedSysvar", "IllegalOwner",
  "MaxAccountsDataAllocationsExceeded", "MaxAccountsExceeded",
  "MaxInstructionTraceLengthExceeded", "BuiltinProgramsMustConsumeComputeUnits", "BorshIoError",
];

const svm = new LiteSVM().withBlockhashCheck(true).withSigverify(true);
const b58encode = getBase58Decoder(); // bytes -> string
const b58decode = getBase58Encoder(); // string -> bytes
const txDecoder = getTransactionDecoder();

// ---- JSON-RPC plumbing ----------------------------------------------------------------------

class RpcFailure extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}
const invalidParams = (msg) => new RpcFailure(-32602, `Invalid params: ${msg}`);

// JSON with u64 precision: bigints are written as bare integers.
function stringify(value) {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `__bigint__${v}` : v)).replace(
    /"__bigint__(-?\d+)"/g,
    "$1",
  );
}

function pubkey(value, what = "pubkey") {
  if (typeof value !== "string") throw invalidParams(`${what} must be a base58 string`);
  try {
    return address(value);
  } catch {
    throw invalidParams(`${what} is not a valid public key: ${value}`);
  }
}

function context() {
  return { apiVersion: "litesvm-" + LITESVM_VERSION, slot: svm.getClock().slot };
}
const withContext = (value) => ({ context: context(), value });

function encodeAccount(acc, dataSlice) {
  let data = acc.data;
  if (dataSlice) data = data.subarray(dataSlice.offset, dataSlice.offset + dataSlice.length);
  return {
    data: [Buffer.from(data).toString("base64"), "base64"],
    executable: acc.executable,
    lamports: BigInt(acc.lamports),
    owner: acc.programAddress,
    rentEpoch: U64_MAX,
    space: BigInt(acc.data.length),
  };
}

function accountOrNull(key, dataSlice) {
  const acc = svm.getAccount(key);
  return acc.exists ? encodeAccount(acc, dataSlice) : null;
}

function checkEncoding(config) {
  const enc = config?.encoding ?? "base64";
  if (enc !== "base64") throw invalidParams(`only base64 account encoding is supported, got ${enc}`);
}

function parseDataSlice(config) {
  const ds = config?.dataSlice;
  if (ds == null) return undefined;
  if (!Number.isSafeInteger(ds.offset) || !Number.isSafeInteger(ds.length)) {
    throw invalidParams("dataSlice needs integer offset and length");
  }
  return ds;
}

// ---- transactions ---------------------------------------------------------------------------

function readCompactU16(bytes, offset) {
  let value = 0;
  for (let i = 0; i < 3; i++) {
    const b = bytes[offset + i];
    if (b === undefined) throw invalidParams("truncated transaction");
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw invalidParams("bad compact-u16");
}

/** Offset of the recent blockhash inside the wire transaction (legacy and v0). */
function blockhashOffset(bytes) {
  const [sigs, n1] = readCompactU16(bytes, 0);
  let o = n1 + 64 * sigs;
  if (bytes[o] & 0x80) o += 1; // versioned message prefix
  o += 3; // header
  const [keys, n2] = readCompactU16(bytes, o);
  o += n2 + 32 * keys;
  if (o + 32 > bytes.length) throw invalidParams("truncated transaction");
  return o;
}

function decodeTx(encoded, encoding) {
  if (typeof encoded !== "string") throw invalidParams("transaction must be a string");
  let bytes;
  if (encoding === "base64") bytes = new Uint8Array(Buffer.from(encoded, "base64"));
  else if (encoding === "base58") bytes = new Uint8Array(b58decode.encode(encoded));
  else throw invalidParams(`unsupported encoding ${encoding}`);
  return bytes;
}

function toTransaction(bytes) {
  try {
    return txDecoder.decode(bytes);
  } catch (e) {
    throw new RpcFailure(-32602, `invalid transaction: failed to deserialize (${e.message})`);
  }
}

function ixError(e) {
  if (typeof e === "number") return IX_ERRORS[e] ?? `InstructionError${e}`;
  if (e && typeof e.code === "number") return { Custom: e.code };
  if (e && typeof e.msg === "string") return { BorshIoError: e.msg };
  return String(e);
}

/** litesvm's TransactionError → the RPC's JSON form. */
function txError(err) {
  if (typeof err === "number") return TX_ERRORS[err] ?? `TransactionError${err}`;
  const kind = err?.constructor?.name ?? "";
  if (kind.includes("InstructionError")) return { InstructionError: [err.index, ixError(err.err())] };
  if (kind.includes("DuplicateInstruction")) return { DuplicateInstruction: err.index };
  if (kind.includes("InsufficientFundsForRent")) {
    return { InsufficientFundsForRent: { account_index: err.accountIndex } };
  }
  if (kind.includes("ProgramExecutionTemporarilyRestricted")) {
    return { ProgramExecutionTemporarilyRestricted: { account_index: err.accountIndex } };
  }
  return String(err);
}

function metaFields(meta) {
  const rd = meta.returnData();
  const data = rd.data();
  return {
    logs: meta.logs(),
    unitsConsumed: meta.computeUnitsConsumed(),
    returnData:
      data.length === 0
        ? null
        : {
            programId: b58encode.decode(rd.programId()),
            data: [Buffer.from(data).toString("base64"), "base64"],
          },
  };
}

function withSigverify(on, f) {
  const before = svm.inner.getSigverify();
  svm.withSigverify(on);
  try {
    return f();
  } finally {
    svm.withSigverify(before);
  }
}

function simulate([encoded, config = {}]) {
  const bytes = decodeTx(encoded, config.encoding ?? "base58");
  const sigVerify = config.sigVerify === true;
  const replace = config.replaceRecentBlockhash === true;
  if (sigVerify && replace) {
    throw invalidParams("sigVerify may not be used with replaceRecentBlockhash");
  }
  let replacementBlockhash = null;
  if (replace) {
    const hash = svm.latestBlockhash();
    bytes.set(b58decode.encode(hash), blockhashOffset(bytes));
    replacementBlockhash = { blockhash: hash, lastValidBlockHeight: svm.getClock().slot + 150n };
  }
  const tx = toTransaction(bytes);
  let result;
  try {
    result = withSigverify(sigVerify, () => svm.simulateTransaction(tx));
  } catch (e) {
    // kit's signature assertion (sigVerify on, a signature missing): what a node answers.
    throw new RpcFailure(-32003, `Transaction signature verification failure (${e?.message ?? e})`);
  }
  const failed = result instanceof FailedTransactionMetadata;
  const meta = result.meta();
  let accounts = null;
  if (config.accounts) {
    checkEncoding(config.accounts);
    const post = failed ? [] : result.postAccounts();
    accounts = (config.accounts.addresses ?? []).map((a) => {
      const key = pubkey(a, "accounts.addresses");
      const found = post.find((p) => p.address === key);
      return found ? encodeAccount(found) : accountOrNull(key);
    });
  }
  return withContext({
    err: failed ? txError(result.err()) : null,
    ...metaFields(meta),
    accounts,
    innerInstructions: null,
    replacementBlockhash,
  });
}

function send([encoded, config = {}]) {
  const tx = toTransaction(decodeTx(encoded, config.encoding ?? "base58"));
  let result;
  try {
    result = svm.sendTransaction(tx);
  } catch (e) {
    throw new RpcFailure(-32003, `Transaction signature verification failure (${e.message ?? e})`);
  }
  if (result instanceof FailedTransactionMetadata) {
    const err = txError(result.err());
    const meta = metaFields(result.meta());
    throw new RpcFailure(-32002, `Transaction simulation failed: ${result.toString()}`, {
      err, ...meta, accounts: null, innerInstructions: null,
    });
  }
  return b58encode.decode(result.signature());
}

// ---- getProgramAccounts filters -------------------------------------------------------------

function matches(acc, filters) {
  for (const f of filters) {
    if (f.dataSize !== undefined) {
      if (acc.data.length !== f.dataSize) return false;
    } else if (f.memcmp) {
      const { offset, bytes, encoding = "base58" } = f.memcmp;
      const want =
        encoding === "base64" ? Buffer.from(bytes, "base64") : Buffer.from(b58decode.encode(bytes));
      const have = Buffer.from(acc.data.subarray(offset, offset + want.length));
      if (have.length !== want.length || !have.equals(want)) return false;
    } else {
      throw invalidParams(`unsupported filter ${JSON.stringify(f)}`);
    }
  }
  return true;
}

// ---- methods --------------------------------------------------------------------------------

const methods = {
  getHealth: () => "ok",
  getVersion: () => ({ "solana-core": `litesvm-${LITESVM_VERSION}`, "feature-set": 0 }),
  getGenesisHash: () => "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG",
  getSlot: () => svm.getClock().slot,
  getBlockHeight: () => svm.getClock().slot,
  getLatestBlockhash: () =>
    withContext({ blockhash: svm.latestBlockhash(), lastValidBlockHeight: svm.getClock().slot + 150n }),
  getBalance: ([key]) => withContext(svm.getBalance(pubkey(key)) ?? 0n),
  getMinimumBalanceForRentExemption: ([len]) => {
    if (!Number.isSafeInteger(len) || len < 0) throw invalidParams("data length");
    return svm.minimumBalanceForRentExemption(BigInt(len));
  },
  getAccountInfo: ([key, config]) => {
    checkEncoding(config);
    return withContext(accountOrNull(pubkey(key), parseDataSlice(config)));
  },
  getMultipleAccounts: ([keys, config]) => {
    if (!Array.isArray(keys)) throw invalidParams("expected an array of public keys");
    if (keys.length > 100) throw invalidParams("Too many inputs provided; max 100");
    checkEncoding(config);
    const slice = parseDataSlice(config);
    return withContext(keys.map((k) => accountOrNull(pubkey(k), slice)));
  },
  getProgramAccounts: ([program, config = {}]) => {
    checkEncoding(config);
    const slice = parseDataSlice(config);
    const filters = config.filters ?? [];
    const list = svm
      .getProgramAccounts(pubkey(program, "program"))
      .filter((acc) => matches(acc, filters))
      .map((acc) => ({ pubkey: acc.address, account: encodeAccount(acc, slice) }));
    return config.withContext ? withContext(list) : list;
  },
  simulateTransaction: simulate,
  sendTransaction: send,

  // Test-only state manipulation.
  litesvm_airdrop: ([key, amount]) => {
    const result = svm.airdrop(pubkey(key), lamports(BigInt(amount)));
    if (result === null || result instanceof FailedTransactionMetadata) {
      throw new RpcFailure(-32000, `airdrop failed: ${result?.toString() ?? "no result"}`);
    }
    return b58encode.decode(result.signature());
  },
  litesvm_setAccount: ([key, acc]) => {
    if (typeof acc !== "object" || acc === null) throw invalidParams("account object");
    svm.setAccount({
      address: pubkey(key),
      lamports: lamports(BigInt(acc.lamports ?? 0)),
      programAddress: pubkey(acc.owner ?? SYSTEM_PROGRAM, "owner"),
      data: new Uint8Array(Buffer.from(acc.data ?? "", "base64")),
      executable: acc.executable === true,
      space: 0n,
    });
    return null;
  },
  litesvm_addProgram: ([programId, soBase64]) => {
    if (typeof soBase64 !== "string") throw invalidParams("program bytes must be base64");
    svm.addProgram(pubkey(programId, "programId"), new Uint8Array(Buffer.from(soBase64, "base64")));
    return null;
  },
  litesvm_expireBlockhash: () => {
    svm.expireBlockhash();
    return svm.latestBlockhash();
  },
  litesvm_warpToSlot: ([slot]) => {
    svm.warpToSlot(BigInt(slot));
    return null;
  },
};

function handleOne(req) {
  const id = req?.id ?? null;
  try {
    if (req?.jsonrpc !== "2.0" || typeof req.method !== "string") {
      throw new RpcFailure(-32600, "Invalid request");
    }
    const method = methods[req.method];
    if (!method) throw new RpcFailure(-32601, "Method not found");
    const params = req.params ?? [];
    if (!Array.isArray(params)) throw invalidParams("params must be an array");
    return { jsonrpc: "2.0", result: method(params), id };
  } catch (e) {
    const error =
      e instanceof RpcFailure
        ? { code: e.code, message: e.message, ...(e.data !== undefined && { data: e.data }) }
        : { code: -32603, message: `Internal error: ${e?.message ?? e}` };
    return { jsonrpc: "2.0", error, id };
  }
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "POST" }).end();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on("data", (c) => {
    size += c.length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413).end();
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on("end", () => {
    if (res.writableEnded) return;
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      body = undefined;
    }
    const reply =
      body === undefined
        ? { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null }
        : Array.isArray(body)
          ? body.map(handleOne)
          : handleOne(body);
    const text = stringify(reply);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
});

const args = process.argv.slice(2);
const portArg = args.find((a) => /^\d+$/.test(a)) ?? process.env.LITESVM_RPC_PORT ?? "0";
server.listen(Number(portArg), "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
if (args.includes("--watch-stdin")) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("close", () => process.exit(0));
  process.stdin.resume();
}
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
