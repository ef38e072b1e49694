// Browser end-to-end scenarios for the server-rendered pages, driven by
// crates/server/tests/browser.rs (which starts the server and LiteSVM and passes the config).
//
//   WEB_E2E_CONFIG='{"baseUrl":…,"rpcUrl":…,…}' node tests/web-e2e/run.mjs
//
// Config: baseUrl, rpcUrl (LiteSVM JSON-RPC), aliceToken, bobToken, aliceSpareToken (session JWTs;
// the spare one is signed out), tokenProjectId,
// tokenProjectName (a public SPL Token project), privateProjectId (alice's, private),
// typedProjectId (one instruction `configure(mode: enum, limit: Option<u64>, flags: Vec<u8>)`),
// uploadIdlPath (a small Anchor IDL file), screenshotDir. Optional env WEB_E2E_ONLY=name,name runs
// only those scenarios. One line per scenario (`ok NAME` / `FAIL NAME: message`); exit 1 if any
// failed.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair, Transaction } from "@solana/web3.js";
import { launchChromium } from "./browser.mjs";
import { base58Decode, seedTokenAccounts, tokenAmount, TOKEN_PROGRAM_ID } from "./chain.mjs";
import { installTestWallet, WALLET_NAME } from "./test-wallet.mjs";

const TIMEOUT = 15_000;
const SESSION_COOKIE = "orquestra_session";

const config = JSON.parse(process.env.WEB_E2E_CONFIG ?? "null");
if (!config) {
  console.error("WEB_E2E_CONFIG is not set (see the header of tests/web-e2e/run.mjs)");
  process.exit(2);
}
for (const key of [
  "baseUrl",
  "rpcUrl",
  "aliceToken",
  "bobToken",
  "aliceSpareToken",
  "tokenProjectId",
  "tokenProjectName",
  "privateProjectId",
  "typedProjectId",
  "uploadIdlPath",
  "screenshotDir",
]) {
  if (typeof config[key] !== "string" || config[key] === "") {
    console.error(`WEB_E2E_CONFIG.${key} is missing`);
    process.exit(2);
  }
}
const baseUrl = config.baseUrl.replace(/\/$/, "");
mkdirSync(config.screenshotDir, { recursive: true });

// ---------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls `probe` until it returns something truthy; its last error goes into the timeout message. */
async function poll(probe, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    await sleep(150);
  }
  throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}${last ? ` (${firstLine(last)})` : ""}`);
}

const firstLine = (error) => String(error?.message ?? error).split("\n")[0];

/** The error's first line, plus what Playwright was waiting for (from its call log). */
function describe(error) {
  const lines = String(error?.message ?? error)
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n");
  const waiting = lines.find((l) => /waiting for /.test(l));
  return waiting ? `${lines[0]} ${waiting.trim().replace(/^- /, "")}` : lines[0];
}

/**
 * Waits for `ready` while watching `scope` for a non-empty `.form-error`: whichever comes first.
 * An error shown by the page fails the step with the page's own message.
 */
async function outcome(scope, ready, what) {
  const error = scope.locator(".form-error").filter({ hasText: /\S/ }).first();
  let settled = false;
  const shown = error
    .waitFor({ state: "visible", timeout: TIMEOUT })
    .then(async () => (settled ? null : { error: (await error.innerText()).trim() }))
    .catch(() => null);
  try {
    const value = await Promise.race([
      ready(),
      shown.then((s) => (s ? Promise.reject(new Error(`${what}: the page shows an error: ${s.error}`)) : new Promise(() => {}))),
    ]);
    return value;
  } finally {
    settled = true;
  }
}

async function shot(page, name) {
  await page.screenshot({ path: join(config.screenshotDir, name), fullPage: true });
}

async function signIn(context, token) {
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: baseUrl }]);
}

async function expectSignedIn(page) {
  const who = page.locator("#whoami");
  await who.waitFor({ state: "visible" });
  assert((await who.innerText()).trim() !== "", "#whoami is empty");
}

/** The same-origin JSON API, from Node. */
async function api(method, path, { token, key, body } = {}) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (key) headers["x-api-key"] = key;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, text };
}

const u64le = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const transferDataHex = (amount) => Buffer.concat([Buffer.from([3]), u64le(amount)]).toString("hex");
const normalizeHex = (text) => text.trim().replace(/^0x/i, "").replace(/[^0-9a-f]/gi, "").toLowerCase();

/** Checks a wire transaction (base64) is the SPL Token transfer the pages were asked for. */
function checkTransfer(base64, amount) {
  let tx;
  try {
    tx = Transaction.from(Buffer.from(base64, "base64"));
  } catch (error) {
    throw new Error(`.tx-base64 is not a legacy wire transaction web3.js reads: ${firstLine(error)}`);
  }
  const last = tx.instructions.at(-1);
  assert(last, "the transaction has no instruction");
  assert(
    last.programId.toBase58() === TOKEN_PROGRAM_ID,
    `last instruction's program is ${last.programId.toBase58()}, not ${TOKEN_PROGRAM_ID}`,
  );
  const data = Buffer.from(last.data).toString("hex");
  assert(data === transferDataHex(amount), `transfer data is ${data}, want ${transferDataHex(amount)}`);
  const keys = last.keys.map((k) => k.pubkey.toBase58());
  const want = [seeded.source, seeded.dest, seeded.wallet];
  assert(JSON.stringify(keys.slice(0, 3)) === JSON.stringify(want), `transfer accounts are ${keys}, want ${want}`);
  assert(last.keys[2].isSigner, "the authority is not a signer");
  assert(tx.feePayer?.toBase58() === seeded.wallet, `fee payer is ${tx.feePayer?.toBase58()}, want ${seeded.wallet}`);
  return tx;
}

/** Opens the transfer's Try it form and builds it for localnet; returns `{ix, base64}`. */
async function buildTransfer(page, amount) {
  await page.goto(`/programs/${encodeURIComponent(config.tokenProjectId)}?tab=instructions`);
  const ix = page.locator("details.instruction#ix-transfer");
  await ix.locator("summary").first().click();
  const form = ix.locator('form.try-it[data-instruction="transfer"]');
  await form.waitFor({ state: "visible" });
  await form.locator('[name="args.amount"]').fill(String(amount));
  await form.locator('[name="accounts.source"]').fill(seeded.source);
  await form.locator('[name="accounts.destination"]').fill(seeded.dest);
  await form.locator('[name="accounts.authority"]').fill(seeded.wallet);
  await form.locator('[name="feePayer"]').fill(seeded.wallet);
  await form.locator('select[name="cluster"]').selectOption("localnet");
  await form.locator('button[value="build"]').click();
  const textarea = ix.locator("section.tx-result textarea.tx-base64");
  const base64 = await outcome(
    ix,
    () => poll(async () => (await textarea.inputValue({ timeout: 500 })).trim(), "the built transaction in .tx-base64"),
    "Build transaction",
  );
  return { ix, base64 };
}

// ---------------------------------------------------------------------------------------------
// Scenarios (in order; later ones may use what earlier ones left in `state`)

const state = { transferBase64: null, uploadedProjectId: null, uploadedProjectName: null };

const scenarios = [
  [
    "search",
    async ({ page }) => {
      await page.goto("/");
      await page.locator("main#main").waitFor();
      await page.locator('a#sign-in[href="/auth/github"]').waitFor();
      const q = page.getByLabel("Search programs");
      assert((await q.getAttribute("id")) === "q", 'the field labelled "Search programs" is not #q');
      await page.locator("form#search #q").fill(config.tokenProjectName);
      await Promise.all([page.waitForURL((url) => url.searchParams.has("q")), page.locator("#q").press("Enter")]);
      const query = new URL(page.url()).searchParams.get("q");
      assert(query === config.tokenProjectName, `searched for ${JSON.stringify(query)}`);
      const link = page.locator(`#results li a.program-link[href$="/programs/${config.tokenProjectId}"]`);
      await link.first().waitFor();
      await shot(page, "explore.png");
      await Promise.all([page.waitForURL(`**/programs/${config.tokenProjectId}**`), link.first().click()]);
      const name = page.locator("h1#program-name");
      await poll(async () => (await name.innerText()).includes(config.tokenProjectName), `#program-name to contain ${config.tokenProjectName}`);
      await page.locator('nav[aria-label="Program sections"] a[href*="tab=instructions"]').first().waitFor();
      await shot(page, "program-overview.png");
    },
  ],
  [
    "try-it-transfer",
    async ({ page }) => {
      const { ix, base64 } = await buildTransfer(page, 5);
      checkTransfer(base64, 5);
      state.transferBase64 = base64;
      const result = ix.locator("section.tx-result");
      await result.locator("button.copy").first().waitFor();
      await result.locator("table.tx-accounts").waitFor();
      await result.locator(".tx-fee").first().waitFor();
      const hex = normalizeHex(await result.locator("code.tx-data-hex").first().innerText());
      assert(hex === transferDataHex(5), `.tx-data-hex shows ${hex}, want ${transferDataHex(5)}`);
      await shot(page, "try-it.png");
      // Simulate the same form on LiteSVM: the logs show the token program succeeding.
      await ix.locator('form.try-it button[value="simulate"]').click();
      const logs = ix.locator("pre.sim-logs");
      await outcome(
        ix,
        () => poll(async () => /Tokenkeg\w+ success/.test(await logs.innerText({ timeout: 500 })), "pre.sim-logs with the token program's success"),
        "Simulate",
      );
    },
  ],
  [
    "try-it-typed",
    async ({ page }) => {
      // The form's enum picker, option toggle and JSON field become canonical JSON: checked on
      // the instruction data, built offline (a blockhash given in Advanced).
      await page.goto(`/programs/${encodeURIComponent(config.typedProjectId)}?tab=instructions#ix-configure`);
      const form = page.locator("#ix-configure form.try-it");
      const build = async () => {
        await form.getByRole("button", { name: "Build transaction" }).click();
        const hex = page.locator("#ix-configure .tx-data-hex");
        return outcome(form, () => poll(async () => (await hex.innerText({ timeout: 500 })).trim(), ".tx-data-hex"), "Build");
      };
      await form.locator('select[name="args.mode"]').selectOption("Slow");
      assert(await form.locator('[name="args.limit"]').isDisabled(), "an unset option's input is not disabled");
      await form.locator('[name="args.flags"]').fill("[7, 8]");
      const payer = Keypair.generate().publicKey.toBase58();
      await form.locator('[name="accounts.authority"]').fill(payer);
      await form.locator('[name="feePayer"]').fill(payer);
      assert((await form.locator('[name="accounts.system_program"]').getAttribute("placeholder")).startsWith("auto: fixed"),
        "the fixed-address account is not marked as filled by the server");
      await form.locator("details.advanced summary").click();
      await form.locator('[name="recentBlockhash"]').fill("11111111111111111111111111111111");
      let hex = await build();
      assert(hex === "0102030405060708" + "01" + "00" + "020000000708", `unset option: data ${hex}`);
      await form.locator('[data-option-for]').check();
      await form.locator('[name="args.limit"]').fill("18446744073709551615");
      hex = await build();
      assert(hex === "0102030405060708" + "01" + "01ffffffffffffffff" + "020000000708", `set option: data ${hex}`);
      // A bad value is refused with the field named, and nothing is built.
      await form.locator('[name="args.flags"]').fill("[7, 300]");
      await form.getByRole("button", { name: "Build transaction" }).click();
      const error = form.locator(".form-error");
      await error.waitFor({ state: "visible" });
      assert((await error.innerText()).includes("/args/flags/1"), `the error does not point at the value: ${await error.innerText()}`);
      assert(await page.locator("#ix-configure section.tx-result").isHidden(), "the earlier transaction is still shown next to the error");
      await shot(page, "try-it-typed.png");
    },
  ],
  [
    "upload",
    async ({ page, context }) => {
      await signIn(context, config.aliceToken);
      await page.goto("/dashboard");
      await expectSignedIn(page);
      const name = `e2e upload ${Date.now()}`;
      await page.locator("form#upload #idl-file").setInputFiles(config.uploadIdlPath);
      await page.locator("#project-name").fill(name);
      const address = JSON.parse(readFileSync(config.uploadIdlPath, "utf8")).address;
      if (address && (await page.locator("#program-id").count()) > 0) {
        await page.locator("#program-id").fill(address);
      }
      await page.locator("form#upload").getByRole("button", { name: "Upload" }).click();
      const link = page.locator("#upload-result a.project-link").first();
      const href = await outcome(
        page.locator("#main"),
        async () => {
          await link.waitFor();
          return link.getAttribute("href");
        },
        "Upload",
      );
      const id = href?.match(/\/dashboard\/projects\/([^/?#]+)/)?.[1];
      assert(id, `the project link is ${href}`);
      state.uploadedProjectId = decodeURIComponent(id);
      state.uploadedProjectName = name;
      await page.goto("/dashboard");
      const mine = page.locator("#my-projects a.project-link", { hasText: name });
      await mine.first().waitFor();
      await shot(page, "dashboard.png");

      // An IDL with a defect confined to one instruction is kept, its warning shown with the
      // JSON pointer at fault; name and program id come from the IDL when left empty.
      const damaged = JSON.parse(readFileSync(config.uploadIdlPath, "utf8"));
      damaged.address = Keypair.generate().publicKey.toBase58();
      damaged.instructions[0].args.push({ name: "extra", type: { defined: { name: "NeverDefined" } } });
      const file = join(tmpdir(), `e2e-damaged-${Date.now()}.json`);
      writeFileSync(file, JSON.stringify(damaged));
      await page.locator("form#upload #idl-file").setInputFiles(file);
      await page.locator("form#upload").getByRole("button", { name: "Upload" }).click();
      const warning = page.locator("#upload-warnings li").first();
      await outcome(page.locator("#main"), () => warning.waitFor(), "Upload with a defect");
      const pointer = (await warning.locator("code.pointer").innerText()).trim();
      assert(pointer.startsWith("/instructions/0"), `the warning points at ${pointer}`);
      await shot(page, "upload-warnings.png");
    },
  ],
  [
    "api-key",
    async ({ page, context }) => {
      await signIn(context, config.aliceToken);
      let id = state.uploadedProjectId;
      if (!id) {
        // The upload scenario failed: make the project through the API, so this page is still tested.
        const idl = JSON.parse(readFileSync(config.uploadIdlPath, "utf8"));
        const made = await api("POST", "/api/idl/upload", {
          token: config.aliceToken,
          body: { name: `e2e api-key ${Date.now()}`, programId: idl.address, idl },
        });
        assert(made.status === 201, `POST /api/idl/upload (fallback): ${made.status} ${made.text}`);
        id = made.json.project.id;
      }
      await page.goto(`/dashboard/projects/${encodeURIComponent(id)}`);
      await expectSignedIn(page);
      // Keys have no names; an expiry is the one option.
      await page.locator("form#new-key #key-expiry").fill("30");
      await page.locator("form#new-key").getByRole("button", { name: "Create key" }).click();
      const secretEl = page.locator("#issued-key code.secret").first();
      const secret = await outcome(
        page.locator("#main"),
        () => poll(async () => (await secretEl.innerText({ timeout: 500 })).trim(), "#issued-key code.secret"),
        "Create key",
      );
      await page.locator("#issued-key button.copy, #issued-key .copy").first().waitFor();
      await shot(page, "project-settings.png");
      await page.reload();
      await page.locator("main#main").waitFor();
      const html = await page.content();
      assert(!html.includes(secret), "the key's secret is still in the page after a reload");
      const issued = page.locator("#issued-key");
      if ((await issued.count()) > 0) {
        assert((await issued.innerText()).trim() === "", "#issued-key is not empty after a reload");
      }
      await poll(async () => (await page.locator("ul#keys li").count()) >= 1, "an <li> in #keys");
      const read = await api("GET", `/api/projects/${encodeURIComponent(id)}`, { key: secret });
      assert(read.status === 200, `GET /api/projects/${id} with the new key: ${read.status} ${read.text}`);
    },
  ],
  [
    "project-forms",
    async ({ page, context }) => {
      // The settings page's other forms, each checked through the JSON API afterwards.
      await signIn(context, config.aliceToken);
      page.on("dialog", (dialog) => dialog.accept());
      // The same IDL under a fresh address: a user has one project per program id.
      const address = Keypair.generate().publicKey.toBase58();
      const idl = { ...JSON.parse(readFileSync(config.uploadIdlPath, "utf8")), address };
      const made = await api("POST", "/api/idl/upload", {
        token: config.aliceToken,
        body: { name: `e2e forms ${Date.now()}`, programId: address, idl },
      });
      assert(made.status === 201, `POST /api/idl/upload: ${made.status} ${made.text}`);
      const id = made.json.project.id;
      const settings = `/dashboard/projects/${encodeURIComponent(id)}`;
      const project = async () => (await api("GET", `/api/projects/${encodeURIComponent(id)}`, { token: config.aliceToken })).json.project;
      const submit = async (form, button) => {
        await Promise.all([page.waitForNavigation(), page.locator(form).getByRole("button", { name: button }).click()]);
      };
      await page.goto(settings);

      await page.locator("#visibility-form input[name=isPublic]").uncheck();
      await submit("#visibility-form", "Save visibility");
      assert((await project()).isPublic === false, "the visibility toggle did not make the project private");

      await page.locator("#social-website").fill("https://example.org");
      await submit("#socials-form", "Save links");
      assert((await project()).socials.website === "https://example.org", "the website link was not saved");

      await page.locator("#address-label").fill("Treasury");
      await page.locator("#address-value").fill("9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin");
      await submit("main", "Add address");
      await poll(async () => (await page.locator("#addresses li").count()) === 1, "the new address in #addresses");

      await page.locator("#docs-editor").fill("# Custom docs\n\n<script>alert(1)</script>");
      await poll(async () => (await page.locator("#docs-preview h1").innerText({ timeout: 500 })) === "Custom docs", "the live preview");
      assert((await page.locator("#docs-preview script").count()) === 0, "the preview ran raw HTML");
      await submit("#docs-form", "Publish docs");
      const docs = await api("GET", `/api/${encodeURIComponent(id)}/docs`, { token: config.aliceToken });
      assert(docs.json.isCustom === true && docs.json.docs.startsWith("# Custom docs"), `docs not published: ${docs.text}`);

      // Rotate shows a new key once; revoke removes it.
      await page.locator("form#new-key").getByRole("button", { name: "Create key" }).click();
      await page.locator("#issued-key code.secret").waitFor();
      await page.goto(settings);
      await page.locator("#keys li").first().getByRole("button", { name: "Rotate" }).click();
      const rotated = (await page.locator("#issued-key code.secret").innerText()).trim();
      const byRotated = await api("GET", `/api/projects/${encodeURIComponent(id)}`, { key: rotated });
      assert(byRotated.status === 200, `the rotated key does not work: ${byRotated.status}`);
      await page.goto(settings);
      await submit("#keys li", "Revoke");
      assert((await page.locator("#keys li").count()) === 0, "the key is still listed after Revoke");
      const byRevoked = await api("GET", `/api/projects/${encodeURIComponent(id)}`, { key: rotated });
      assert(byRevoked.status === 401, `a revoked key still answers ${byRevoked.status}`);

      // Program lists: create one, add the project, issue a scope key.
      await page.goto("/dashboard");
      const listName = `e2e list ${Date.now()}`;
      await page.locator("#list-name").fill(listName);
      await submit("#new-list", "Create list");
      const list = page.locator("#lists li", { hasText: listName });
      await list.locator("input[name=projectId]").fill(id);
      await Promise.all([page.waitForNavigation(), list.getByRole("button", { name: "Add", exact: true }).click()]);
      const listed = page.locator("#lists li", { hasText: listName });
      assert((await listed.innerText()).includes("1 program ·"), "the project was not added to the list");
      await listed.getByRole("button", { name: "New scope key" }).click();
      await listed.locator(".issued-secret code.secret").waitFor();
      // The list shows its project; Remove takes it out, Delete list removes the list.
      await page.goto("/dashboard");
      const withItem = page.locator("#lists > li", { hasText: listName });
      assert((await withItem.locator("ul.list-items li").count()) === 1, "the list does not show its project");
      await Promise.all([page.waitForNavigation(), withItem.getByRole("button", { name: /^Remove / }).click()]);
      const emptied = page.locator("#lists > li", { hasText: listName });
      assert((await emptied.innerText()).includes("0 programs ·"), "the project is still in the list after Remove");
      const lists = await api("GET", "/api/lists", { token: config.aliceToken });
      const listId = lists.json.lists.find((l) => l.name === listName).id;
      const items = await api("GET", `/api/lists/${listId}/items`, { token: config.aliceToken });
      assert(items.json.total === 0, `the API still lists ${items.json.total} items`);
      await Promise.all([page.waitForNavigation(), emptied.getByRole("button", { name: /^Delete the list / }).click()]);
      assert((await page.locator("#lists > li", { hasText: listName }).count()) === 0, "the deleted list is still shown");
      const after = await api("GET", "/api/lists", { token: config.aliceToken });
      assert(!after.json.lists.some((l) => l.id === listId), "the API still has the deleted list");

      // Delete needs the name repeated.
      await page.goto(settings);
      await page.locator("#confirm-name").fill((await project()).name);
      await Promise.all([page.waitForURL("**/dashboard"), page.getByRole("button", { name: "Delete project" }).click()]);
      const gone = await api("GET", `/api/projects/${encodeURIComponent(id)}`, { token: config.aliceToken });
      assert(gone.status === 404, `the deleted project still answers ${gone.status}`);

      // Sign out ends the session: the cookie is dropped and its token revoked. A spare session
      // of alice's, so the other scenarios keep theirs.
      await context.clearCookies();
      await signIn(context, config.aliceSpareToken);
      await page.goto("/dashboard");
      await expectSignedIn(page);
      await Promise.all([page.waitForURL(`${baseUrl}/`), page.locator("#sign-out").click()]);
      await page.locator("#sign-in").waitFor();
      const cookies = await context.cookies(baseUrl);
      assert(!cookies.some((c) => c.name === SESSION_COOKIE && c.value), "the session cookie is still set after sign-out");
      const me = await api("GET", "/auth/me", { token: config.aliceSpareToken });
      assert(me.status === 401, `the signed-out session still answers /auth/me with ${me.status}`);
      const other = await api("GET", "/auth/me", { token: config.aliceToken });
      assert(other.status === 200, `signing out one session ended another (${other.status})`);
    },
  ],
  [
    "phone-dark-labels",
    async ({ browser }) => {
      // Every main page at phone width in the dark scheme: nothing wider than the screen, and
      // every form control has a label (or an aria-label).
      const phone = await browser.newContext({ baseURL: baseUrl, viewport: { width: 390, height: 844 }, colorScheme: "dark" });
      await phone.addCookies([{ name: SESSION_COOKIE, value: config.aliceToken, url: baseUrl }]);
      try {
        const page = await phone.newPage();
        const id = encodeURIComponent(config.tokenProjectId);
        const pages = ["/", `/programs/${id}`, `/programs/${id}?tab=instructions#ix-transfer`, `/programs/${id}?tab=accounts`,
          `/programs/${id}?tab=errors`, `/programs/${id}?tab=docs`, `/programs/${id}?tab=account`, "/dashboard", "/transactions"];
        for (const path of pages) {
          const response = await page.goto(path);
          assert(response.status() === 200, `${path} answered ${response.status()}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert(overflow <= 0, `${path} is ${overflow}px wider than a 390px screen`);
          const unlabelled = await page.evaluate(() =>
            [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
              .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label"))
              .map((el) => el.name || el.id || el.outerHTML.slice(0, 60)));
          assert(unlabelled.length === 0, `${path}: controls without a label: ${unlabelled.join(", ")}`);
          const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          assert(background === "rgb(20, 22, 27)", `${path}: the dark scheme is not applied (${background})`);
        }
        await page.goto(`/programs/${id}?tab=instructions#ix-transfer`);
        await shot(page, "phone-dark-instructions.png");
      } finally {
        await phone.close();
      }
    },
  ],
  [
    "api-reference",
    async ({ page }) => {
      // RapiDoc from the binary renders the program's OpenAPI document; nothing is requested from
      // another host (the page's policy would refuse it, and say so in the console).
      const foreign = [];
      page.on("request", (request) => { if (!request.url().startsWith(baseUrl)) foreign.push(request.url()); });
      const problems = [];
      page.on("console", (message) => { if (message.type() === "error") problems.push(message.text()); });
      await page.goto(`/programs/${encodeURIComponent(config.tokenProjectId)}/api`);
      await poll(async () => page.locator("rapi-doc").evaluate((el) =>
        el.shadowRoot && el.shadowRoot.textContent.includes("Build a `transfer` transaction")), "RapiDoc listing the transfer build");
      assert(foreign.length === 0, `requests to other hosts: ${foreign.join(", ")}`);
      assert(problems.length === 0, `console errors: ${problems.join(" | ")}`);
      await shot(page, "api-reference.png");
    },
  ],
  [
    "private-404",
    async ({ page, context, browser }) => {
      await signIn(context, config.bobToken);
      const path = `/programs/${encodeURIComponent(config.privateProjectId)}`;
      const asBob = await page.goto(path);
      assert(asBob.status() === 404, `as bob ${path} answered ${asBob.status()}`);
      const h1 = (await page.locator("h1").first().innerText()).trim();
      assert(/not found/i.test(h1), `as bob the <h1> is ${JSON.stringify(h1)}`);
      await expectSignedIn(page);
      const anonymous = await browser.newContext({ baseURL: baseUrl });
      try {
        const anonPage = await anonymous.newPage();
        const asAnon = await anonPage.goto(`${baseUrl}${path}`, { timeout: TIMEOUT });
        assert(asAnon.status() === 404, `anonymously ${path} answered ${asAnon.status()}`);
        const anonH1 = (await anonPage.locator("h1").first().innerText({ timeout: TIMEOUT })).trim();
        assert(/not found/i.test(anonH1), `anonymously the <h1> is ${JSON.stringify(anonH1)}`);
      } finally {
        await anonymous.close();
      }
    },
  ],
  [
    "sign-and-send",
    async ({ page, wallet }) => {
      const before = await tokenAmount(config.rpcUrl, seeded.dest);
      const { ix, base64 } = await buildTransfer(page, 7);
      checkTransfer(base64, 7);
      const select = ix.locator("select.wallet-select");
      await poll(
        async () => (await select.locator("option").allInnerTexts()).some((t) => t.trim() === WALLET_NAME),
        `"${WALLET_NAME}" in .wallet-select`,
      );
      await select.selectOption({ label: WALLET_NAME });
      await ix.locator("button.sign-send").click();
      const signatureEl = ix.locator(".send-result code.signature").first();
      const signature = await outcome(
        ix,
        () => poll(async () => (await signatureEl.innerText({ timeout: 500 })).trim(), ".send-result code.signature"),
        "Sign and send",
      );
      const sent = wallet.calls.filter((c) => c.method === "signAndSendTransaction");
      assert(sent.length === 1, `the wallet got ${sent.length} signAndSendTransaction calls: ${JSON.stringify(wallet.calls)}`);
      assert(sent[0].chain === "solana:localnet", `the page asked for chain ${sent[0].chain}, want solana:localnet`);
      assert(base58Decode(signature).length === 64, `${signature} is not a base58 64-byte signature`);
      assert(signature === sent[0].signature, `the page shows ${signature}, the wallet sent ${sent[0].signature}`);
      const after = await tokenAmount(config.rpcUrl, seeded.dest);
      assert(after - before === 7n && after === 7n, `DEST holds ${after} (was ${before}), want 7`);
      await shot(page, "signed.png");
    },
  ],
  [
    "transactions",
    async ({ page }) => {
      let base64 = state.transferBase64;
      if (!base64) {
        // try-it-transfer failed: build the same transfer through the API, so this page is still tested.
        const built = await api("POST", `/api/${encodeURIComponent(config.tokenProjectId)}/instructions/transfer/build`, {
          body: {
            feePayer: seeded.wallet,
            cluster: "localnet",
            args: { amount: "5" },
            accounts: { source: seeded.source, destination: seeded.dest, authority: seeded.wallet },
          },
        });
        assert(built.status === 200, `POST …/instructions/transfer/build (fallback): ${built.status} ${built.text}`);
        assert(built.json.encoding !== "base58", "the API built a base58 transaction");
        base64 = built.json.transaction;
      }
      await page.goto("/transactions");
      await page.locator("textarea#tx-input").fill(base64);
      await page.getByRole("button", { name: "Decode" }).click();
      const decoded = page.locator("#tx-decoded");
      await outcome(
        page.locator("#main"),
        () => poll(async () => /transfer/i.test(await decoded.innerText({ timeout: 500 })), '"transfer" in #tx-decoded'),
        "Decode",
      );
      await shot(page, "transactions.png");
    },
  ],
];

// ---------------------------------------------------------------------------------------------
// Run

const only = process.env.WEB_E2E_ONLY?.split(",").map((s) => s.trim()).filter(Boolean);
const walletKeypair = Keypair.generate();
const seeded = await seedTokenAccounts(config.rpcUrl, walletKeypair.publicKey);
console.log(`seeded: wallet ${seeded.wallet}, mint ${seeded.mint}, SOURCE ${seeded.source}, DEST ${seeded.dest}`);

const browser = await launchChromium();
let passed = 0;
let failed = 0;
for (const [name, run] of scenarios) {
  if (only && !only.includes(name)) continue;
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  const wallet = name === "sign-and-send" ? await installTestWallet(context, { keypair: walletKeypair, rpcUrl: config.rpcUrl }) : null;
  const page = await context.newPage();
  const consoleErrors = [];
  let lastDocument = null;
  page.on("response", (r) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) lastDocument = r.status();
  });
  page.on("console", (m) => {
    const where = m.location()?.url ?? "";
    if (m.type() === "error" && !where.endsWith("/favicon.ico")) consoleErrors.push(`console: ${m.text()} ${where}`.trim());
  });
  page.on("pageerror", (e) => consoleErrors.push(`uncaught: ${firstLine(e)}`));
  page.on("requestfailed", (r) => consoleErrors.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ""}`));
  try {
    await run({ page, context, browser, wallet });
    passed += 1;
    console.log(`ok ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${describe(error)} (at ${page.url()}${lastDocument ? `, HTTP ${lastDocument}` : ""})`);
    await page
      .screenshot({ path: join(config.screenshotDir, `fail-${name}.png`), fullPage: true, timeout: TIMEOUT })
      .catch((e) => console.log(`  (no screenshot: ${firstLine(e)})`));
    for (const line of consoleErrors) console.log(`  ${line}`);
  } finally {
    await context.close();
  }
}
await browser.close();
console.log(`web-e2e: ${passed} passed, ${failed} failed (screenshots in ${config.screenshotDir})`);
process.exit(failed === 0 ? 0 : 1);
