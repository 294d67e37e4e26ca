/**
 * How drivers, clients and servers word the failures that are not the product's: each pattern
 * covers a class of failure in every wording we know (Node, axios, Playwright's request context,
 * Chromium's net::ERR_*, Firefox's NS_ERROR_*, WebKit's sentences, selenium-webdriver,
 * node-postgres and PostgreSQL). The rules in triage-rules.ts decide what each class means.
 * Tested against captured failures (gate/triage.fixtures.json) and public ones
 * (gate/triage.world.json).
 */

/** The machinery that runs the tests broke: a browser, page or worker process died. */
export const RUNNER_CRASHED = new RegExp(
  [
    String.raw`\b(Page|Target|Renderer|Browser|GPU process) crashed\b`,
    String.raw`Navigation failed because page crashed`,
    String.raw`\b[Ww]orker process exited unexpectedly\b|\bworker exited before it became ready\b|\bprocess did not exit within \d+ ?ms after stop\b`,
    String.raw`\b(chrome|browser) not reachable\b|\bdisconnected: not connected to DevTools\b|\binvalid session id\b|\bNoSuchSessionError\b`,
    String.raw`\bsession deleted because of page crash\b|\btab crashed\b|\bTimed out receiving message from renderer\b`,
  ].join('|'),
);

/**
 * The page, context or browser closed under the test. When the test's own timeout fired, the
 * interrupted call reports the same words (the runner closes the page): triage-rules.ts tells
 * the two apart with TEST_TIMEOUT.
 */
export const TARGET_CLOSED =
  /\bTarget (page, context or browser has been )?closed\b|\bTargetClosedError\b|\bBrowser (has been )?(closed|disconnected)\b|\bbrowser has disconnected\b/;

/** Playwright's own timeout of a test (or a hook), which says nothing about its cause by itself. */
export const TEST_TIMEOUT =
  /\b(Test|Hook|Fixture|beforeAll hook|afterAll hook|beforeEach hook|afterEach hook) timeout of \d+ ?ms exceeded\b/i;

/** A resource of the machine running the tests ran out: memory or disk. */
export const RUNNER_RESOURCES =
  /\bJavaScript heap out of memory\b|\bReached heap limit\b|\bENOMEM\b|\bCannot allocate memory\b|\bout of memory\b|\bENOSPC\b|\bno space left on device\b|\bDisk quota exceeded\b|\bEDQUOT\b/i;

/** A browser or WebDriver session could not be started: missing binary or libraries, mismatched driver, no Grid slot. */
export const BROWSER_UNAVAILABLE = new RegExp(
  [
    String.raw`\bExecutable doesn't exist at\b|\bLooks like Playwright .* was just installed or updated\b|\bplaywright install\b`,
    String.raw`\b(browserType|BrowserType)\.(launch|connect|launchPersistentContext|connectOverCDP)\b`,
    String.raw`\bHost system is missing dependencies\b|\berror while loading shared libraries\b|\bcannot open shared object file\b`,
    String.raw`\bFailed to launch (the )?(browser|chrome|chromium)\b|\bspawn \S+ ENOENT\b`,
    String.raw`\bSessionNotCreatedError\b|\bsession not created\b|\bCould not start a new session\b|\bUnable to create (a )?new (remote )?session\b`,
    String.raw`\bThis version of ChromeDriver only supports\b|\bDevToolsActivePort file doesn't exist\b|\bcannot find Chrome binary\b|\bno chrome binary\b`,
    String.raw`\bunable to discover open (pages|window)\b|\bChrome failed to start\b`,
    String.raw`\b([Bb]rowser|[Cc]hrom(e|ium)|[Cc]hromedriver)( binary| executable)? (was )?not found (at|in)\b|\bNo executable path is specified\b`,
    String.raw`\bNo nodes? (support|supports|available)\b|\bnew session request timed out\b|\bno free slot\b|\bSessionQueue\b|\bUnable to find provider for session\b`,
    String.raw`\bUnable to obtain (a )?(browser )?driver\b|\bSelenium Manager\b.*\b(failed|error)\b|\bError forwarding the (new session|request)\b`,
  ].join('|'),
);

/** The target refused or dropped the connection (including the database's server side). */
export const CONNECTION = new RegExp(
  [
    String.raw`\b(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN)\b`,
    String.raw`net::ERR_(CONNECTION_\w+|ADDRESS_UNREACHABLE|EMPTY_RESPONSE|SOCKET_NOT_CONNECTED|NETWORK_CHANGED|INTERNET_DISCONNECTED|TUNNEL_CONNECTION_FAILED|PROXY_CONNECTION_FAILED|INCOMPLETE_CHUNKED_ENCODING|HTTP2_PROTOCOL_ERROR|INVALID_HTTP_RESPONSE|NETWORK_IO_SUSPENDED)`,
    String.raw`\bNS_ERROR_(CONNECTION_REFUSED|NET_RESET|NET_INTERRUPT|NET_PARTIAL_TRANSFER|PROXY_CONNECTION_REFUSED|OFFLINE|DOCUMENT_NOT_CACHED|NET_EMPTY_RESPONSE)\b`,
    String.raw`\bCould not connect to (the )?server\b|\bCould not connect: Connection refused\b|\bCouldn't connect to server\b|\bFailed to connect to\b|\bThe network connection was lost\b|\bConnection refused\b|\bConnection reset by peer\b`,
    String.raw`\bsocket hang up\b|\bother side closed\b|\bConnection terminated unexpectedly\b|\bConnection terminated\b|\bserver closed the connection unexpectedly\b`,
    String.raw`\bsorry, too many clients already\b|\bremaining connection slots are reserved\b|\bthe database system is (starting up|shutting down|in recovery mode|not yet accepting connections)\b|\bterminating connection due to administrator command\b`,
  ].join('|'),
  'i',
);

/** The target's host name does not resolve. */
export const DNS =
  /\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME)\b|\bgetaddrinfo\b|net::ERR_NAME_(NOT_RESOLVED|RESOLUTION_FAILED)|\bNS_ERROR_UNKNOWN_HOST\b|\bA server with the specified hostname could not be found\b|\bCould not resolve host\b|\bName or service not known\b|\bTemporary failure in name resolution\b|\bcould not translate host name\b/i;

/** The target's TLS: an expired, self-signed, mismatched or untrusted certificate, or a broken handshake. */
export const TLS = new RegExp(
  [
    String.raw`net::ERR_(CERT_\w+|SSL_\w+|BAD_SSL_CLIENT_AUTH_CERT)`,
    String.raw`\b(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|CERT_UNTRUSTED|EPROTO)\b`,
    String.raw`\bself[- ]signed certificate\b|\bcertificate has expired\b|\bunable to (verify the first certificate|get local issuer certificate)\b|\bHostname/IP does not match certificate's altnames\b`,
    String.raw`\b(SEC_ERROR|SSL_ERROR|MOZILLA_PKIX_ERROR)_\w+\b|\bThe certificate for this server is invalid\b|\bSSL peer certificate or SSH remote key was not OK\b|\bUnacceptable TLS certificate\b|\bSSL connect error\b|\bwrong version number\b|\bssl3_get_record\b|\bsslv3 alert\b`,
  ].join('|'),
  'i',
);

/**
 * A 502, 503 or 504 where it is an HTTP answer: the API client's transient error, axios' own
 * wording, an asserted status that came back as one, or a gateway's page.
 */
export const GATEWAY =
  /\bHTTP 50[234]\b|^Received:\s+50[234]$|\b50[234] (Bad Gateway|Service (Temporarily )?Unavailable|Gateway Time-?out)\b|\b(Request failed with )?status code 50[234]\b|\bstatus(Code)?[=:]\s*50[234]\b/im;

/** A response body that is an HTML page where JSON was expected: an error page or a route that misses the API. */
export const HTML_NOT_JSON =
  /\bUnexpected token '?<'?(, ?"?<|\s+in JSON| is not valid JSON|.*(<!DOCTYPE|<html))|["'`]<!DOCTYPE[^"'`]*["'`]?\.*\s*is not valid JSON|\bis not valid JSON\b.*<(!DOCTYPE|html|head|body)/i;

/**
 * Waiting for the target, not for an element: requests and navigations that got no answer (a
 * locator that times out is the page not showing something: the product's or the test's). A
 * bare "Test timeout of N ms exceeded." says nothing about its cause and is not matched; when
 * the test's timeout interrupted a navigation or a request, Playwright names that call.
 */
export const TARGET_TIMEOUT = new RegExp(
  [
    String.raw`\b(apiRequestContext\.\w+|request\.(get|post|put|patch|delete|fetch|head)|page\.(goto|reload|goBack|goForward|waitForNavigation|waitForURL|waitForLoadState|waitForResponse|waitForRequest)|frame\.(goto|waitForNavigation)): ((Test )?[Tt]imeout (of )?\d+ ?ms exceeded|net::ERR_TIMED_OUT|NS_ERROR_NET_TIMEOUT)`,
    String.raw`(?<![\w"] )\btimeout of \d+ ?ms exceeded\b|\bETIMEDOUT\b|\bESOCKETTIMEDOUT\b|net::ERR_(CONNECTION_)?TIMED_OUT|\bNS_ERROR_NET_TIMEOUT\b|\bThe request timed out\b|\bno answer within \d+ ms\b`,
    String.raw`\bNavigation timeout of \d+ ?ms exceeded\b|\bConnection terminated due to connection timeout\b|\btimeout expired\b|\bquery read timeout\b`,
  ].join('|'),
);

/** A credential the pipeline supplies was refused: the environment's configuration, not the build. */
export const CREDENTIALS_REFUSED =
  /\bpassword authentication failed for user\b|\bPAM authentication failed\b|\brefused the credentials of user\b|\bno pg_hba\.conf entry for\b|\bThe security token included in the request is (invalid|expired)\b|\bExpiredToken(Exception)?\b|\bInvalidClientTokenId\b|\bSignatureDoesNotMatch\b/i;

/** The test lost a race with the page: the element went away, or another element took the click. */
export const STALE_OR_INTERCEPTED =
  /\bStaleElementReference(Error|Exception)\b|\bstale element reference\b|\b[Ee]lement is (not|no longer) attached to the (DOM|page document)\b|\bElementClickInterceptedError\b|\belement click intercepted\b|\bOther element would receive the click\b|\bis not clickable at point\b|\banother element\b.*\bobscures it\b|\bintercepts pointer events\b/;

/** The database schema lacks what the code uses: a table, column or function (any quoted identifier). */
export const SCHEMA_MISMATCH =
  /\bThe target database lacks\b|\b(column|relation|table) "[^"\n]+" (of relation "[^"\n]+" )?does not exist\b|\b(column|relation) [\w.]+ does not exist\b|\bfunction [\w."]+\([^)\n]*\) does not exist\b|\bUndefined(Column|Table|Function)\b|\bschema "[^"\n]+" does not exist\b/;
