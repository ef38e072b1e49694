// Orquestra pages: the forms post to the JSON API (same origin, session cookie), results are
// built as DOM nodes (never HTML from responses), and built transactions can be signed and sent
// by a browser wallet found through the Wallet Standard.

// ---- DOM helpers -------------------------------------------------------------------------

/** An element with attributes and children (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function showError(form, message, details = []) {
  const box = form.querySelector('.form-error') || form.parentElement.querySelector('.form-error');
  if (!box) { alert(message); return; }
  // A single detail usually is the message itself, with its pointer.
  if (details.length === 1 && message.includes(details[0].message)) details = [];
  box.replaceChildren(message, ...(details.length ? [h('ul', {}, details.map((d) =>
    h('li', {}, d.path ? h('code', {}, d.path) : '', d.path ? ': ' : '', d.message)))] : []));
  box.hidden = false;
}

function clearError(form) {
  const box = form.querySelector('.form-error');
  if (box) { box.hidden = true; box.replaceChildren(); }
}

function copyButton(getText) {
  const button = h('button', { type: 'button', class: 'copy' }, 'Copy');
  button.addEventListener('click', async () => {
    const text = getText();
    try { await navigator.clipboard.writeText(text); } catch {
      const area = h('textarea', {}, text); document.body.append(area); area.select();
      document.execCommand('copy'); area.remove();
    }
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
  return button;
}

// ---- Encodings -----------------------------------------------------------------------------

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58(bytes) {
  const digits = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) { carry += digits[i] * 256; digits[i] = carry % 58; carry = Math.floor(carry / 58); }
    while (carry > 0) { digits.push(carry % 58); carry = Math.floor(carry / 58); }
  }
  let out = '';
  for (const byte of bytes) { if (byte !== 0) break; out += '1'; }
  for (let i = digits.length - 1; i >= 0; i--) out += B58[digits[i]];
  return out;
}

function fromBase64(text) {
  const raw = atob(text);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

// ---- The JSON API ------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    const error = body && body.error;
    super(error ? error.message : `HTTP ${status}`);
    this.details = (error && error.details) || [];
  }
}

async function api(method, url, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

class FieldError extends Error {
  constructor(field, message) { super(`${field.name}: ${message}`); this.field = field; }
}

function setPath(target, keys, value) {
  let node = target;
  keys.slice(0, -1).forEach((key) => { node = node[key] ??= {}; });
  node[keys[keys.length - 1]] = value;
}

/** The form's fields as a request: JSON body, the endpoint with path fields filled, a query. */
async function collect(form) {
  const body = {};
  let endpoint = form.dataset.endpoint;
  const query = new URLSearchParams();
  for (const el of form.elements) {
    if (!el.name || el.name === 'action') continue;
    const kind = el.dataset.kind || 'string';
    const toggle = el.id && form.querySelector(`[data-option-for="${CSS.escape(el.id)}"]`);
    if (toggle && !toggle.checked) { setPath(body, el.name.split('.'), null); continue; }
    if (el.disabled) continue;
    let value;
    if (kind === 'bool') value = el.checked;
    else if (kind === 'file-json') {
      const file = el.files && el.files[0];
      if (!file) continue;
      try { value = JSON.parse(await file.text()); } catch (e) { throw new FieldError(el, `${file.name} is not JSON (${e.message})`); }
    } else {
      const raw = el.value.trim();
      if (raw === '') {
        if (kind !== 'nullable-string') continue;
        value = null;
      } else if (kind === 'number') {
        value = Number(raw);
        if (!Number.isFinite(value)) throw new FieldError(el, `"${raw}" is not a number`);
      } else if (kind === 'json') {
        try { value = JSON.parse(raw); } catch (e) { throw new FieldError(el, `not valid JSON (${e.message})`); }
      } else if (kind === 'json-or-string') {
        try { value = JSON.parse(raw); } catch { value = raw; }
      } else value = raw;
    }
    if (kind === 'path') endpoint = endpoint.replace(`{${el.name}}`, encodeURIComponent(value));
    else if (kind === 'query') { if (value) query.set(el.name, value); }
    else setPath(body, el.name.split('.'), value);
  }
  const qs = query.toString();
  if (qs) endpoint += (endpoint.includes('?') ? '&' : '?') + qs;
  return { endpoint, body };
}

// ---- Forms ---------------------------------------------------------------------------------

const after = {
  reload: () => location.reload(),
  dashboard: () => { location.href = '/dashboard'; },
  key(form, data) {
    const box = document.getElementById('issued-key');
    box.replaceChildren(
      h('p', { class: 'warning' }, 'Copy this key now: it is not shown again.'),
      h('p', {}, h('code', { class: 'secret' }, data.key), ' ', copyButton(() => data.key)),
      h('p', {}, h('a', { href: location.pathname }, 'Done (reload the list)')),
    );
    box.focus();
  },
  secret(form, data) {
    form.querySelector('.issued-secret').replaceChildren(
      h('p', { class: 'warning' }, data.message),
      h('p', {}, h('code', { class: 'secret' }, data.scopeKey), ' ', copyButton(() => data.scopeKey)),
    );
  },
  upload(form, data) {
    const warnings = data.idl.warnings || [];
    document.getElementById('upload-result').replaceChildren(
      h('p', {}, 'Created ', h('a', { class: 'project-link', href: `/dashboard/projects/${encodeURIComponent(data.project.id)}` }, data.project.name),
        ` (v${data.idl.version}, ${data.idl.format}, ${data.idl.instructionCount} instructions). `,
        h('a', { href: `/programs/${encodeURIComponent(data.project.id)}` }, 'Open its page')),
      warnings.length ? h('div', { class: 'warning' }, warnings.length === 1 ? 'One item of the IDL is kept but unusable:'
        : `${warnings.length} items of the IDL are kept but unusable:`,
        h('ul', { id: 'upload-warnings' }, warnings.map((w) => h('li', {}, h('code', { class: 'pointer' }, w.path), ': ', w.message)))) : '',
    );
  },
  version(form, data) {
    if (data.created) { location.reload(); return; }
    form.querySelector('output.api-result').replaceChildren(
      h('p', {}, `This IDL is identical to version ${data.version}: no new version was stored.`));
  },
  show(form, data) {
    const out = form.querySelector('output.api-result');
    out.replaceChildren(h('pre', { class: 'json' }, h('code', {}, JSON.stringify(data, null, 2))));
  },
};

// Request bodies a form's fields do not spell out whole.
const prepare = {
  // An upload's name and program id default to the IDL's own (Anchor, legacy Anchor, Codama).
  upload(body) {
    const idl = body.idl || {};
    body.name ??= idl.metadata?.name ?? idl.name ?? idl.program?.name;
    body.programId ??= idl.address ?? idl.metadata?.address ?? idl.program?.publicKey;
  },
};

document.addEventListener('submit', async (event) => {
  const form = event.target;
  const tryIt = form.matches('form.try-it');
  if (!tryIt && !form.matches('form.api-form')) return;
  event.preventDefault();
  if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
  if (tryIt && !form.reportValidity()) return;
  clearError(form);
  // A result must never sit next to the error of a later attempt.
  if (tryIt) { form.nextElementSibling.hidden = true; form.nextElementSibling.replaceChildren(); }
  const buttons = form.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const { endpoint, body } = await collect(form);
    const method = form.dataset.method || 'POST';
    if (tryIt) {
      if (event.submitter && event.submitter.value === 'simulate') body.simulate = true;
      showBuild(form, body, await api('POST', endpoint, body));
    } else {
      prepare[form.dataset.then]?.(body);
      const hasBody = method !== 'GET' && (method !== 'DELETE' || Object.keys(body).length > 0);
      const data = await api(method, endpoint, hasBody ? body : undefined);
      (after[form.dataset.then] || after.show)(form, data);
    }
  } catch (error) {
    if (error.field) error.field.focus();
    showError(form, error.message, error.details || []);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
});

// ---- Try it: the built transaction ---------------------------------------------------------

function showBuild(form, request, data) {
  const section = form.nextElementSibling;
  const names = new Map(data.instruction.accounts.map((a) => [a.pubkey, a.name]));
  const sim = data.simulation;
  section.replaceChildren(
    h('h4', {}, 'Transaction'),
    h('div', { class: 'field' },
      h('label', { for: `${form.dataset.instruction}-tx` }, `Unsigned ${data.wireFormat} transaction (${data.encoding})`),
      h('textarea', { id: `${form.dataset.instruction}-tx`, class: 'tx-base64', readonly: true, rows: 4 }, data.transaction)),
    copyButton(() => data.transaction),
    h('p', {}, 'Fee: ', h('span', { class: 'tx-fee' }, `${data.fee.lamports} lamports`),
      ` · ${data.fee.signatures} signature(s) · blockhash `, h('code', {}, data.recentBlockhash), ` (${data.blockhashSource})`),
    ...data.warnings.map((w) => h('p', { class: 'warning' }, w)),
    h('table', { class: 'tx-accounts' },
      h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Account'), h('th', {}, 'Name'), h('th', {}, 'Signer'), h('th', {}, 'Writable'))),
      h('tbody', {}, data.message.accountKeys.map((a, i) => h('tr', {},
        h('td', {}, i), h('td', {}, h('code', {}, a.pubkey)), h('td', {}, names.get(a.pubkey) || (i === 0 ? 'fee payer' : '')),
        h('td', {}, a.signer ? 'yes' : ''), h('td', {}, a.writable ? 'yes' : ''))))),
    h('p', {}, 'Instruction data: ', h('code', { class: 'tx-data-hex' }, data.instruction.data.hex)),
    sim ? h('div', {},
      h('h4', {}, sim.success ? 'Simulation succeeded' : 'Simulation failed'),
      sim.decodedError ? h('p', { class: 'form-error' }, `${sim.decodedError.name} (${sim.decodedError.code}): ${sim.decodedError.msg || ''}`) :
        (sim.err ? h('p', { class: 'form-error' }, JSON.stringify(sim.err)) : ''),
      sim.unitsConsumed != null ? h('p', {}, `${sim.unitsConsumed} compute units`) : '',
      h('pre', { class: 'sim-logs' }, sim.logs.join('\n'))) : '',
    walletControls(form, request, data),
  );
  section.hidden = false;
}

// ---- Wallets (Wallet Standard, app side) ---------------------------------------------------

const wallets = new Set();
const walletWatchers = new Set();
const registry = Object.freeze({
  register(...added) {
    added.forEach((w) => wallets.add(w));
    walletWatchers.forEach((f) => f());
    return () => { added.forEach((w) => wallets.delete(w)); walletWatchers.forEach((f) => f()); };
  },
});
window.addEventListener('wallet-standard:register-wallet', ({ detail: callback }) => callback(registry));
try { window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: registry })); } catch { /* old browsers */ }

const CHAINS = { 'mainnet-beta': 'solana:mainnet', devnet: 'solana:devnet', testnet: 'solana:testnet', localnet: 'solana:localnet' };

function walletControls(form, request, data) {
  const chain = CHAINS[request.cluster || 'mainnet-beta'];
  const select = h('select', { class: 'wallet-select', id: `${form.dataset.instruction}-wallet` });
  const button = h('button', { type: 'button', class: 'sign-send' }, 'Sign and send');
  const result = h('p', { class: 'send-result', 'aria-live': 'polite' });
  const fill = () => {
    const usable = [...wallets].filter((w) => w.features['solana:signAndSendTransaction'] && w.chains.includes(chain));
    select.replaceChildren(...usable.map((w) => h('option', { value: w.name }, w.name)));
    button.disabled = usable.length === 0;
    if (!usable.length) result.textContent = `No wallet for ${chain} found in this browser.`;
  };
  // One watcher per form: a rebuilt result replaces the previous one's.
  if (form.walletFill) walletWatchers.delete(form.walletFill);
  form.walletFill = fill;
  walletWatchers.add(fill);
  fill();
  button.addEventListener('click', async () => {
    const wallet = [...wallets].find((w) => w.name === select.value);
    if (!wallet) return;
    button.disabled = true;
    result.replaceChildren('Waiting for the wallet…');
    try {
      const { accounts } = await wallet.features['standard:connect'].connect();
      const account = accounts.find((a) => a.address === request.feePayer) || accounts[0];
      if (!account) throw new Error('the wallet shared no account');
      const [sent] = await wallet.features['solana:signAndSendTransaction'].signAndSendTransaction(
        { account, chain, transaction: fromBase64(data.transaction) });
      const signature = base58(sent.signature);
      result.replaceChildren('Sent: ', h('code', { class: 'signature' }, signature), ' ', copyButton(() => signature));
    } catch (error) {
      result.replaceChildren(h('span', { class: 'form-error' }, `The wallet did not send it: ${error.message || error}`));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'wallet' }, h('h4', {}, 'Sign and send'),
    h('div', { class: 'inline' }, h('label', { for: select.id }, 'Wallet'), select, button), result);
}

// ---- Small page behaviours -----------------------------------------------------------------

document.getElementById('sign-out')?.addEventListener('click', async () => {
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
  location.href = '/';
});

document.querySelectorAll('select[data-autosubmit]').forEach((select) =>
  select.addEventListener('change', () => select.form.submit()));

document.querySelectorAll('[data-option-for]').forEach((toggle) => {
  const input = document.getElementById(toggle.dataset.optionFor);
  const sync = () => { input.disabled = !toggle.checked; };
  toggle.addEventListener('change', sync);
  sync();
});

document.querySelectorAll('.drop-zone').forEach((zone) => {
  const input = zone.querySelector('input[type=file]');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    if (e.dataTransfer.files.length) input.files = e.dataTransfer.files;
  });
});

document.querySelectorAll('textarea[data-preview]').forEach((editor) => {
  const preview = document.getElementById(editor.dataset.preview);
  let timer;
  editor.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const response = await fetch('/dashboard/preview', { method: 'POST', credentials: 'same-origin', body: editor.value,
        headers: { 'content-type': 'text/markdown' } });
      // The server renders the preview with the same sanitising renderer as the public page.
      if (response.ok) preview.innerHTML = await response.text();
    }, 300);
  });
});

// A link to `#ix-name` opens that instruction.
function openTarget() {
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && target.tagName === 'DETAILS') { target.open = true; target.scrollIntoView(); }
}
window.addEventListener('hashchange', openTarget);
openTarget();
