// Talking to the LiteSVM JSON-RPC server (tests/litesvm-rpc): plain JSON-RPC over fetch, the
// server's test-only seeding methods, and SPL Token Mint / Account layouts packed by hand.

import { Keypair, PublicKey } from "@solana/web3.js";

export const TOKEN_PROGRAM_ID = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const MINT_SIZE = 82;
export const TOKEN_ACCOUNT_SIZE = 165;

let nextId = 1;

/** One JSON-RPC call; throws with the server's error (and its data) when there is one. */
export async function rpc(url, method, params = []) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
  });
  const body = await response.json();
  if (body.error) {
    const data = body.error.data ? ` ${JSON.stringify(body.error.data)}` : "";
    throw new Error(`${method}: ${body.error.code} ${body.error.message}${data}`);
  }
  return body.result;
}

const COPTION_NONE = new Uint8Array(4);
const coptionSome = () => Uint8Array.of(1, 0, 0, 0);

function u64le(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
  return out;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** SPL Token `Mint` (82 bytes): initialized, no freeze authority. */
export function packMint({ mintAuthority, supply, decimals }) {
  const data = concat([
    coptionSome(),
    new PublicKey(mintAuthority).toBytes(),
    u64le(supply),
    Uint8Array.of(decimals),
    Uint8Array.of(1), // is_initialized
    COPTION_NONE,
    new Uint8Array(32), // freeze_authority (None)
  ]);
  if (data.length !== MINT_SIZE) throw new Error(`mint is ${data.length} bytes`);
  return data;
}

/** SPL Token `Account` (165 bytes): state Initialized, no delegate, not native, no close authority. */
export function packTokenAccount({ mint, owner, amount }) {
  const data = concat([
    new PublicKey(mint).toBytes(),
    new PublicKey(owner).toBytes(),
    u64le(amount),
    COPTION_NONE,
    new Uint8Array(32), // delegate (None)
    Uint8Array.of(1), // state: Initialized
    COPTION_NONE,
    new Uint8Array(8), // is_native (None)
    u64le(0), // delegated_amount
    COPTION_NONE,
    new Uint8Array(32), // close_authority (None)
  ]);
  if (data.length !== TOKEN_ACCOUNT_SIZE) throw new Error(`token account is ${data.length} bytes`);
  return data;
}

/** The `amount` of an SPL token account, read from the chain. */
export async function tokenAmount(url, address) {
  const info = await rpc(url, "getAccountInfo", [address, { encoding: "base64" }]);
  if (!info?.value) throw new Error(`token account ${address} does not exist`);
  const data = Buffer.from(info.value.data[0], "base64");
  if (data.length !== TOKEN_ACCOUNT_SIZE) throw new Error(`${address} has ${data.length} bytes`);
  return data.readBigUInt64LE(64);
}

async function setAccount(url, address, owner, data) {
  const lamports = await rpc(url, "getMinimumBalanceForRentExemption", [data.length]);
  await rpc(url, "litesvm_setAccount", [
    address,
    { lamports, owner, data: Buffer.from(data).toString("base64"), executable: false },
  ]);
}

/**
 * Funds `wallet` (a PublicKey or base58) and creates an SPL Token mint (decimals 0, supply 1000)
 * with two token accounts: SOURCE owned by the wallet holding 1000, DEST owned by another key
 * holding 0. Returns their base58 addresses.
 */
export async function seedTokenAccounts(url, wallet) {
  const walletAddress = new PublicKey(wallet).toBase58();
  await rpc(url, "litesvm_airdrop", [walletAddress, 10_000_000_000]);
  const mint = Keypair.generate().publicKey.toBase58();
  const source = Keypair.generate().publicKey.toBase58();
  const dest = Keypair.generate().publicKey.toBase58();
  const destOwner = Keypair.generate().publicKey.toBase58();
  const mintAuthority = Keypair.generate().publicKey.toBase58();
  await setAccount(url, mint, TOKEN_PROGRAM_ID, packMint({ mintAuthority, supply: 1000, decimals: 0 }));
  await setAccount(url, source, TOKEN_PROGRAM_ID, packTokenAccount({ mint, owner: walletAddress, amount: 1000 }));
  await setAccount(url, dest, TOKEN_PROGRAM_ID, packTokenAccount({ mint, owner: destOwner, amount: 0 }));
  const amounts = [await tokenAmount(url, source), await tokenAmount(url, dest)];
  if (amounts[0] !== 1000n || amounts[1] !== 0n) throw new Error(`seeded amounts are ${amounts}`);
  return { wallet: walletAddress, mint, mintAuthority, source, dest, destOwner };
}

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Base58 (Bitcoin alphabet), for signatures: web3.js does not export its codec. */
export function base58Encode(bytes) {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

export function base58Decode(text) {
  let n = 0n;
  for (const c of text) {
    const digit = ALPHABET.indexOf(c);
    if (digit < 0) throw new Error(`not base58: ${text}`);
    n = n * 58n + BigInt(digit);
  }
  const bytes = [];
  while (n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for (const c of text) {
    if (c !== "1") break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}
