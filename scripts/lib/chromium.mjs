// Debian's Chromium driven by playwright-core (never `npx playwright install`: no downloads here).
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--disable-default-apps', '--disable-extensions',
  '--no-default-browser-check', '--password-store=basic', '--use-mock-keychain',
];

/** Launches headless Chromium with its XDG dirs inside `tmp` (crash reports, dconf). */
export async function launchChromium(tmp) {
  if (!fs.existsSync(CHROMIUM_BIN)) {
    throw new Error(`${CHROMIUM_BIN} is missing: run scripts/install-code-server.sh as root`);
  }
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(tmp, 'chromium/config'),
    XDG_CACHE_HOME: path.join(tmp, 'chromium/cache'),
  };
  return chromium.launch({ executablePath: CHROMIUM_BIN, headless: true, args: ARGS, env, timeout: 60_000 });
}
