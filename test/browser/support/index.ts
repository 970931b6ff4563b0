// The browser tests' support, in one import: `import { ... } from './support/index.ts'`.
export { startCallbackServer, type CallbackServer } from './callback-server.ts';
export { checkAccessibility, describeViolations, type AccessibilityOptions } from './accessibility.ts';
export { CHROMIUM, DESKTOP, launchChromium, PHONE, useBrowser, type BrowserHandle } from './browser.ts';
export { admin, gatehouse, type GatehouseContext } from './context.ts';
export { originHeaders } from './origin-page.ts';
export { gatewayRoutes } from './config.ts';
export { latestMail, linksIn, mailLink, outbox, type Mail } from './outbox.ts';
export { HEADERS_MORE, NGINX, nginxConfig, startNginx, type Nginx, type NginxOptions } from './nginx.ts';
export { SCREENSHOT_DIR, screenshot } from './screenshot.ts';
export { accessToken, createUser, PASSWORD, uniqueEmail, type TestUser } from './users.ts';
