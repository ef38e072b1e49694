// Debian's chromium driven by playwright-core: no browser is ever downloaded.

import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** `ORQUESTRA_CHROMIUM`, else `/usr/bin/chromium`. */
export function chromiumPath() {
  return process.env.ORQUESTRA_CHROMIUM || "/usr/bin/chromium";
}

export async function launchChromium() {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `${executablePath} is missing: apt-get install -y --no-install-recommends chromium (or set ORQUESTRA_CHROMIUM)`,
    );
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}
