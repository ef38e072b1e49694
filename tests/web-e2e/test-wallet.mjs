// A test wallet for the pages, registered through the Wallet Standard protocol
// (https://github.com/wallet-standard/wallet-standard) before any page script runs. The page
// side only holds the account; the bytes go to Node through a binding, where a web3.js Keypair
// signs them and, for `solana:signAndSendTransaction`, sends them to the LiteSVM JSON-RPC server.

import { VersionedTransaction } from "@solana/web3.js";
import { base58Decode, rpc } from "./chain.mjs";

export const WALLET_NAME = "Test Wallet";
const BINDING = "__orquestraTestWallet";

const ICON =
  "data:image/svg+xml;base64," +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">' +
      '<rect width="32" height="32" rx="6" fill="#6d28d9"/>' +
      '<text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff" font-family="sans-serif">T</text></svg>',
  ).toString("base64");

/**
 * Runs in the page (serialized by Playwright): registers the wallet exactly as
 * `@wallet-standard/wallet`'s `registerWallet` does — dispatches `wallet-standard:register-wallet`
 * (bubbles/cancelable/composed false, `detail` a callback taking `{register}`) and listens for
 * `wallet-standard:app-ready` (whose `detail` is the app's `{register}`).
 */
function pageScript({ name, icon, address, publicKey, binding }) {
  const CHAINS = ["solana:localnet", "solana:devnet", "solana:mainnet", "solana:testnet"];
  const ACCOUNT_FEATURES = ["solana:signAndSendTransaction", "solana:signTransaction"];
  const toBase64 = (bytes) => {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  };
  const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const account = Object.freeze({
    address,
    publicKey: new Uint8Array(publicKey),
    chains: CHAINS.slice(),
    features: ACCOUNT_FEATURES.slice(),
    label: name,
    icon,
  });
  let accounts = [];
  const listeners = { change: new Set() };
  const emit = (event, properties) => {
    for (const listener of listeners[event] ?? []) listener(properties);
  };

  // A real wallet refuses to sign before `standard:connect`, or for an account it did not give.
  const checkInput = (input, method) => {
    if (accounts.length === 0) throw new Error(`${name}: ${method} before standard:connect`);
    if (!input || !(input.transaction instanceof Uint8Array)) {
      throw new Error(`${name}: ${method} input.transaction must be a Uint8Array`);
    }
    if (!input.account || input.account.address !== address) {
      throw new Error(`${name}: ${method} input.account must be the connected account ${address}`);
    }
    if (input.chain !== undefined && !CHAINS.includes(input.chain)) {
      throw new Error(`${name}: unsupported chain ${input.chain}`);
    }
  };
  const callNode = (method, input) =>
    window[binding]({
      method,
      chain: input.chain ?? null,
      transaction: toBase64(input.transaction),
      options: input.options ?? null,
    });

  const wallet = {
    version: "1.0.0",
    name,
    icon,
    chains: CHAINS.slice(),
    get accounts() {
      return accounts.slice();
    },
    features: {
      "standard:connect": {
        version: "1.0.0",
        connect: async () => {
          if (accounts.length === 0) {
            accounts = [account];
            emit("change", { accounts: accounts.slice() });
          }
          return { accounts: accounts.slice() };
        },
      },
      "standard:events": {
        version: "1.0.0",
        on: (event, listener) => {
          (listeners[event] ??= new Set()).add(listener);
          return () => listeners[event].delete(listener);
        },
      },
      "solana:signAndSendTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        signAndSendTransaction: async (...inputs) => {
          const outputs = [];
          for (const input of inputs) {
            checkInput(input, "signAndSendTransaction");
            if (!input.chain) throw new Error(`${name}: signAndSendTransaction needs a chain`);
            const answer = await callNode("signAndSendTransaction", input);
            outputs.push({ signature: fromBase64(answer.signature) });
          }
          return outputs;
        },
      },
      "solana:signTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        signTransaction: async (...inputs) => {
          const outputs = [];
          for (const input of inputs) {
            checkInput(input, "signTransaction");
            const answer = await callNode("signTransaction", input);
            outputs.push({ signedTransaction: fromBase64(answer.signedTransaction) });
          }
          return outputs;
        },
      },
    },
  };

  const callback = ({ register }) => register(wallet);
  class RegisterWalletEvent extends Event {
    #detail;
    get detail() {
      return this.#detail;
    }
    get type() {
      return "wallet-standard:register-wallet";
    }
    constructor(detail) {
      super("wallet-standard:register-wallet", { bubbles: false, cancelable: false, composed: false });
      this.#detail = detail;
    }
    preventDefault() {
      throw new Error("preventDefault cannot be called");
    }
    stopImmediatePropagation() {
      throw new Error("stopImmediatePropagation cannot be called");
    }
    stopPropagation() {
      throw new Error("stopPropagation cannot be called");
    }
  }
  try {
    window.dispatchEvent(new RegisterWalletEvent(callback));
  } catch (error) {
    console.error("wallet-standard:register-wallet event could not be dispatched\n", error);
  }
  try {
    window.addEventListener("wallet-standard:app-ready", ({ detail: api }) => callback(api));
  } catch (error) {
    console.error("wallet-standard:app-ready event listener could not be added\n", error);
  }
}

/**
 * Signs wire-format transaction bytes (legacy or v0: `VersionedTransaction.deserialize` reads
 * both) with `keypair`; throws when the keypair is not one of the message's signers.
 */
export function signWire(bytes, keypair) {
  const tx = VersionedTransaction.deserialize(bytes);
  tx.sign([keypair]);
  return tx;
}

/**
 * Installs the wallet in every page of `context` (call before opening pages). Returns
 * `{calls}`: every request the pages made (`{method, chain, signature?, error?}`), for assertions.
 */
export async function installTestWallet(context, { keypair, rpcUrl }) {
  const calls = [];
  await context.exposeBinding(BINDING, async (_source, request) => {
    const call = { method: request.method, chain: request.chain };
    calls.push(call);
    try {
      const tx = signWire(Buffer.from(request.transaction, "base64"), keypair);
      const wire = Buffer.from(tx.serialize());
      if (request.method === "signTransaction") {
        return { signedTransaction: wire.toString("base64") };
      }
      if (request.method !== "signAndSendTransaction") throw new Error(`unknown method ${request.method}`);
      const signature = await rpc(rpcUrl, "sendTransaction", [
        wire.toString("base64"),
        { encoding: "base64" },
      ]);
      const bytes = base58Decode(signature);
      if (bytes.length !== 64) throw new Error(`sendTransaction answered ${signature}`);
      if (!Buffer.from(bytes).equals(Buffer.from(tx.signatures[0]))) {
        throw new Error(`sendTransaction answered ${signature}, not the transaction's first signature`);
      }
      call.signature = signature;
      return { signature: Buffer.from(bytes).toString("base64") };
    } catch (error) {
      call.error = error.message;
      throw error;
    }
  });
  await context.addInitScript(pageScript, {
    name: WALLET_NAME,
    icon: ICON,
    address: keypair.publicKey.toBase58(),
    publicKey: Array.from(keypair.publicKey.toBytes()),
    binding: BINDING,
  });
  return { calls };
}
