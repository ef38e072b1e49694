// Checks the harness itself, without the Orquestra pages: the test wallet registers through both
// Wallet Standard paths on a page served here, and signs and sends real SPL Token transfers
// (legacy and v0) to LiteSVM; `signTransaction` gives bytes that verify. Also checks the seeding.
//
//   node tests/web-e2e/wallet-selfcheck.mjs [RPC_URL]
//
// Without RPC_URL it starts tests/litesvm-rpc/server.mjs itself (needs its node_modules).

import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  Keypair,
  PublicKey,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
  Transaction,
} from "@solana/web3.js";
import { launchChromium } from "./browser.mjs";
import { base58Encode, rpc, seedTokenAccounts, tokenAmount, TOKEN_PROGRAM_ID } from "./chain.mjs";
import { installTestWallet, WALLET_NAME } from "./test-wallet.mjs";

async function startLiteSvm() {
  const server = fileURLToPath(new URL("../litesvm-rpc/server.mjs", import.meta.url));
  const child = spawn(process.execPath, [server, "0", "--watch-stdin"], { stdio: ["pipe", "pipe", "inherit"] });
  const first = await new Promise((resolve, reject) => {
    child.once("error", reject);
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  return { child, url: first.replace(/^listening on /, "") };
}

// The app side of the Wallet Standard, by hand. An app that loads before the wallet listens for
// `wallet-standard:register-wallet` (an init script added before the wallet's, so it runs first);
// one that loads after dispatches `wallet-standard:app-ready` (the page itself). Both must work.
function appListensFirst() {
  window.registered = [];
  window.addEventListener("wallet-standard:register-wallet", (event) => {
    window.registerEvent = { bubbles: event.bubbles, cancelable: event.cancelable, composed: event.composed };
    event.detail({ register: (...wallets) => (wallets.forEach((w) => window.registered.push({ via: "register-wallet", wallet: w })), () => {}) });
  });
}
const APP = `<!doctype html><meta charset="utf-8"><title>wallet self-check</title><body><script>
  const api = { register: (...wallets) => { for (const w of wallets) window.registered.push({ via: "app-ready", wallet: w }); return () => {}; } };
  window.dispatchEvent(new CustomEvent("wallet-standard:app-ready", { detail: api }));
</script>`;

function transferIx(source, dest, authority, amount) {
  const data = Buffer.alloc(9);
  data[0] = 3;
  data.writeBigUInt64LE(BigInt(amount), 1);
  return new TransactionInstruction({
    programId: new PublicKey(TOKEN_PROGRAM_ID),
    keys: [
      { pubkey: new PublicKey(source), isSigner: false, isWritable: true },
      { pubkey: new PublicKey(dest), isSigner: false, isWritable: true },
      { pubkey: new PublicKey(authority), isSigner: true, isWritable: false },
    ],
    data,
  });
}

function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log(`ok ${message}`);
}

const svm = process.argv[2] ? null : await startLiteSvm();
const rpcUrl = process.argv[2] ?? svm.url;
const http = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(APP));
await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
const pageUrl = `http://127.0.0.1:${http.address().port}/`;
const browser = await launchChromium();
let failed = false;
try {
  const keypair = Keypair.generate();
  const seeded = await seedTokenAccounts(rpcUrl, keypair.publicKey);
  check(true, `seeded mint ${seeded.mint}, SOURCE ${seeded.source} (1000), DEST ${seeded.dest} (0)`);

  const context = await browser.newContext();
  await context.addInitScript(appListensFirst);
  const wallet = await installTestWallet(context, { keypair, rpcUrl });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && console.log(`console error: ${m.text()}`));
  await page.goto(pageUrl);
  const registered = await page.evaluate(() =>
    window.registered.map(({ via, wallet: w }) => ({
      via,
      version: w.version,
      name: w.name,
      icon: w.icon.slice(0, 26),
      chains: w.chains,
      features: Object.keys(w.features),
      accounts: w.accounts.length,
    })),
  );
  check(
    registered.length === 2 && new Set(registered.map((r) => r.via)).size === 2,
    `registered through both paths: ${JSON.stringify(registered.map((r) => r.via))}`,
  );
  check(registered[0].name === registered[1].name, "the same wallet both times");
  const flags = await page.evaluate(() => window.registerEvent);
  check(!flags.bubbles && !flags.cancelable && !flags.composed, `register-wallet event flags ${JSON.stringify(flags)}`);
  const first = registered[0];
  check(first.name === WALLET_NAME && first.version === "1.0.0", `name "${first.name}", version ${first.version}`);
  check(first.icon === "data:image/svg+xml;base64,", "icon is a base64 SVG data URL");
  check(first.accounts === 0, "no account before connect");
  check(
    ["standard:connect", "standard:events", "solana:signAndSendTransaction", "solana:signTransaction"].every((f) =>
      first.features.includes(f),
    ),
    `features ${first.features.join(", ")}`,
  );

  const refused = await page.evaluate(async () => {
    const w = window.registered[0].wallet;
    try {
      await w.features["solana:signAndSendTransaction"].signAndSendTransaction({
        account: { address: "x" },
        chain: "solana:localnet",
        transaction: new Uint8Array(1),
      });
      return "signed";
    } catch (e) {
      return e.message;
    }
  });
  check(/before standard:connect/.test(refused), `signing before connect is refused (${refused})`);

  const connected = await page.evaluate(async () => {
    const w = window.registered[0].wallet;
    let changed = null;
    w.features["standard:events"].on("change", ({ accounts }) => (changed = accounts.length));
    const { accounts } = await w.features["standard:connect"].connect();
    const a = accounts[0];
    return {
      n: accounts.length,
      same: w.accounts[0] === a,
      changed,
      address: a.address,
      publicKey: a.publicKey instanceof Uint8Array && a.publicKey.length,
      chains: a.chains,
      features: a.features,
    };
  });
  check(connected.n === 1 && connected.same && connected.changed === 1, "connect gives one account and emits change");
  check(connected.address === keypair.publicKey.toBase58() && connected.publicKey === 32, `account ${connected.address}`);

  // Sends `tx` (unsigned wire bytes) through the page's wallet; returns the base58 signature.
  const send = (bytes) =>
    page.evaluate(async (b64) => {
      const w = window.registered[0].wallet;
      const [{ signature }] = await w.features["solana:signAndSendTransaction"].signAndSendTransaction({
        account: w.accounts[0],
        chain: "solana:localnet",
        transaction: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
      });
      return signature instanceof Uint8Array ? Array.from(signature) : String(signature);
    }, Buffer.from(bytes).toString("base64"));

  const { value: latest } = await rpc(rpcUrl, "getLatestBlockhash", []);
  const legacy = new Transaction({ feePayer: keypair.publicKey, recentBlockhash: latest.blockhash }).add(
    transferIx(seeded.source, seeded.dest, keypair.publicKey, 7),
  );
  const legacyBytes = legacy.serialize({ requireAllSignatures: false, verifySignatures: false });
  const sig1 = await send(legacyBytes);
  check(Array.isArray(sig1) && sig1.length === 64, `legacy transfer sent, signature ${base58Encode(sig1)}`);
  check((await tokenAmount(rpcUrl, seeded.dest)) === 7n, "DEST holds 7 after the legacy transfer");

  const v0 = new VersionedTransaction(
    new TransactionMessage({
      payerKey: keypair.publicKey,
      recentBlockhash: latest.blockhash,
      instructions: [transferIx(seeded.source, seeded.dest, keypair.publicKey, 5)],
    }).compileToV0Message(),
  );
  const sig2 = await send(v0.serialize());
  check(sig2.length === 64, `v0 transfer sent, signature ${base58Encode(sig2)}`);
  check((await tokenAmount(rpcUrl, seeded.dest)) === 12n, "DEST holds 12 after the v0 transfer");
  check((await tokenAmount(rpcUrl, seeded.source)) === 988n, "SOURCE holds 988");
  check(
    wallet.calls.length === 2 && wallet.calls.every((c) => c.chain === "solana:localnet" && c.signature),
    "the Node side saw both calls with chain solana:localnet",
  );

  const signedB64 = await page.evaluate(async (b64) => {
    const w = window.registered[0].wallet;
    const [{ signedTransaction }] = await w.features["solana:signTransaction"].signTransaction({
      account: w.accounts[0],
      transaction: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
    });
    let s = "";
    for (const b of signedTransaction) s += String.fromCharCode(b);
    return btoa(s);
  }, Buffer.from(legacyBytes).toString("base64"));
  const signed = Transaction.from(Buffer.from(signedB64, "base64"));
  check(signed.verifySignatures(), "signTransaction returns a transaction whose signature verifies");

  const sendError = await page.evaluate(async (b64) => {
    const w = window.registered[0].wallet;
    try {
      await w.features["solana:signAndSendTransaction"].signAndSendTransaction({
        account: w.accounts[0],
        chain: "solana:localnet",
        transaction: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
      });
      return null;
    } catch (e) {
      return e.message;
    }
  }, Buffer.from(legacyBytes).toString("base64"));
  check(sendError !== null, `a rejected send reaches the page as an error: ${sendError?.slice(0, 120)}`);
  await context.close();
} catch (error) {
  failed = true;
  console.log(`FAIL ${error.stack}`);
} finally {
  await browser.close();
  http.close();
  svm?.child.kill();
}
process.exit(failed ? 1 : 0);
