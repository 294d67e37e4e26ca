/**
 * Failures by class, each class in the wordings of several drivers and clients, with the
 * category triage must give it (gate/triage-classes.test.ts). The wordings are the ones these
 * tools print; a rule must cover the class, not these strings (the held-out corpus checks that).
 */
import type { TriageCategory } from '../gate/types.ts';

export const TRIAGE_CLASSES: [TriageCategory, string, string[]][] = [
  [
    'infrastructure',
    'a page or tab crashed',
    [
      'Error: page.goto: Page crashed',
      'Error: locator.click: Target crashed',
      'Error: page.waitForSelector: Navigation failed because page crashed!',
      'WebDriverError: unknown error: session deleted because of page crash\nfrom tab crashed',
    ],
  ],
  [
    'infrastructure',
    'the browser or context closed under the test',
    [
      'Error: browserContext.newPage: Target page, context or browser has been closed',
      'Error: locator.fill: Target page, context or browser has been closed\nBrowser logs:\n\n<launching> /usr/bin/chromium',
      'Error: browser.newContext: Browser has been closed.',
    ],
  ],
  [
    'infrastructure',
    'a Playwright worker died',
    [
      'Error: worker process exited unexpectedly (code=null, signal=SIGKILL)',
      'Internal error: worker process exited unexpectedly (code=null, signal=SIGSEGV)',
      'Error: worker exited before it became ready',
    ],
  ],
  [
    'infrastructure',
    'the runner ran out of memory or disk',
    [
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      "Error: ENOSPC: no space left on device, write '/work/test-results/trace.zip'",
      'Error: spawn ENOMEM',
    ],
  ],
  [
    'infrastructure',
    'no browser could be started',
    [
      "Error: browserType.launch: Executable doesn't exist at /root/.cache/ms-playwright/chromium-1155/chrome-linux/chrome",
      'Error: browserType.launch: Host system is missing dependencies to run browsers.',
      '/usr/bin/chromium: error while loading shared libraries: libnss3.so: cannot open shared object file: No such file or directory',
    ],
  ],
  [
    'infrastructure',
    'a WebDriver session could not be created',
    [
      'SessionNotCreatedError: session not created: This version of ChromeDriver only supports Chrome version 114\nCurrent browser version is 156.0.8078.73',
      "SessionNotCreatedError: session not created: DevToolsActivePort file doesn't exist",
      'SessionNotCreatedError: Could not start a new session. New session request timed out',
      'Error: Could not start a Chrome session through SELENIUM_REMOTE_URL http://grid.internal:4444: no free slot: the new session request was not served within 60 s',
      'WebDriverError: unknown error: cannot find Chrome binary',
    ],
  ],
  [
    'environment',
    "the target refused or dropped the connection, in every browser's words",
    [
      'Error: page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:18080/login',
      'Error: page.goto: NS_ERROR_CONNECTION_REFUSED',
      'Error: page.goto: Could not connect to server',
      'Error: page.goto: Could not connect: Connection refused',
      'Error: apiRequestContext.get: read ECONNRESET',
      'WebDriverError: unknown error: net::ERR_CONNECTION_REFUSED\n  (Session info: chrome=156.0.8078.73)',
    ],
  ],
  [
    'environment',
    'the database dropped or refused the connection',
    [
      'Error: Connection terminated unexpectedly',
      'error: sorry, too many clients already',
      'error: the database system is starting up',
      'error: the database system is shutting down',
    ],
  ],
  [
    'environment',
    'the host name does not resolve',
    [
      'Error: page.goto: net::ERR_NAME_NOT_RESOLVED at https://staging.example.test/',
      'Error: page.goto: NS_ERROR_UNKNOWN_HOST',
      'Error: page.goto: A server with the specified hostname could not be found.',
      'Error: getaddrinfo ENOTFOUND staging.example.test',
    ],
  ],
  [
    'environment',
    "the target's TLS failed",
    [
      'Error: page.goto: net::ERR_CERT_DATE_INVALID at https://staging.example.test/',
      'Error: page.goto: net::ERR_SSL_PROTOCOL_ERROR at https://staging.example.test/',
      'AxiosError: unable to verify the first certificate\n  code: UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'Error: certificate has expired\n  code: CERT_HAS_EXPIRED',
      'Error: self-signed certificate in certificate chain',
      'Error: page.goto: SEC_ERROR_UNKNOWN_ISSUER',
    ],
  ],
  [
    'environment',
    'a gateway answered 502, 503 or 504',
    [
      'AxiosError: Request failed with status code 503',
      'Error: expect(received).toBe(expected)\n\nExpected: 200\nReceived: 502',
      '<html><head><title>504 Gateway Time-out</title></head></html>',
    ],
  ],
  [
    'environment',
    'an HTML page came back where JSON was expected',
    [`SyntaxError: Unexpected token '<', "<!DOCTYPE "... is not valid JSON`, 'SyntaxError: Unexpected token < in JSON at position 0'],
  ],
  [
    'environment',
    'a request or navigation got no answer in time',
    [
      'AxiosError: timeout of 5000ms exceeded',
      'Error: page.goto: Timeout 15000ms exceeded.\nCall log:\n  - navigating to "http://127.0.0.1:18080/", waiting until "load"',
      'Error: apiRequestContext.get: Timeout 10000ms exceeded.',
      'Error: page.goto: NS_ERROR_NET_TIMEOUT',
    ],
  ],
  [
    'environment',
    'a credential the pipeline supplies was refused',
    [
      'error: password authentication failed for user "tagtrust"',
      'ExpiredTokenException: The security token included in the request is expired',
    ],
  ],
  [
    'deployment',
    'the schema lacks what the code uses, with any identifier',
    [
      'error: relation "public.tag_links" does not exist',
      'error: column "fingerprint" of relation "tags" does not exist',
      'error: function tollgate_touch(bigint, text) does not exist',
      'error: column t.archived_at does not exist',
    ],
  ],
  [
    'automation',
    'the test lost a race with the page',
    [
      'StaleElementReferenceError: stale element reference: stale element not found in the current frame',
      'ElementClickInterceptedError: element click intercepted: Element <button>Verify</button> is not clickable at point (100, 200). Other element would receive the click: <div class="overlay">',
      'Error: locator.click: Timeout 10000ms exceeded.\nCall log:\n  - <div class="toast"></div> intercepts pointer events',
    ],
  ],
  [
    'automation',
    'the test code itself threw',
    ["TypeError: Cannot read properties of undefined (reading 'code')", 'ReferenceError: tagCode is not defined'],
  ],
  [
    'product',
    'the product does not do what the test expects',
    [
      'Error: expect(received).toBe(expected)\n\nExpected: "revoked"\nReceived: "genuine"',
      'NoSuchElementError: no such element: Unable to locate element: {"method":"css selector","selector":"[data-testid=verify-result]"}',
      'TimeoutError: Waiting for element to be located By(css selector, [data-testid="verify-result"])',
      'SyntaxError: Unexpected end of JSON input',
    ],
  ],
];
