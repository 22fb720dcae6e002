/**
 * Debian's Chromium, as both the tests and the benchmark launch it: Playwright
 * never downloads a browser here, and the background-networking flags keep
 * Chromium from calling out of a closed network.
 */
export const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
