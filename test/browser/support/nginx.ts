// nginx in front of the stub origin with auth_request to Gatehouse's /auth/verify?login=1, as the
// README's block for websites ("Websites through forward-auth"): a 401 from the check becomes a 302
// to the `Location` it carries (`error_page 401 =302`), a renewed access cookie in the check's
// `Set-Cookie` is passed back to the browser, the origin gets none of Gatehouse's cookies, and
// forged identity headers are cleared (headers-more, when installed). Unlike the README, only the
// protected prefix goes to the origin and every other path to Gatehouse itself (hosted pages,
// OAuth), so the browser sees one site.
// The config, pid, logs and temp files live in a temporary directory; nothing needs root.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatehouse } from './context.ts';
import { freePort, waitForPort } from './ports.ts';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface NginxOptions {
  /** Gatehouse's address; default: the run's Worker. */
  gatehouseUrl?: string;
  /** The protected application; default: the stub origin. */
  originUrl?: string;
  /** The loopback address nginx listens on. Default 127.0.0.2: another cookie host than the Worker's 127.0.0.1. */
  host?: string;
  /** The path prefix behind auth_request (forwarded to the origin); everything else goes to Gatehouse. Default `/site/`. */
  protectedPrefix?: string;
  /** The query of the check; default `login=1` (a 401 then carries the sign-in `Location`). */
  verifyQuery?: string;
}

export interface Nginx {
  /** `http://<host>:<port>` */
  url: string;
  /** The config it runs (for a failure message). */
  config: string;
  /** What nginx wrote to stderr so far (its error log). */
  log(): string;
  /** Graceful stop (SIGQUIT), then SIGKILL after 5 s; removes the temporary directory. */
  stop(): Promise<void>;
}

/** Debian's dynamic headers-more module, loaded when present (the README's `more_clear_input_headers`). */
export const HEADERS_MORE = '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so';

/** One map of the README's chain: the Cookie header without the first Gatehouse cookie left in it. */
function cookieMap(from: string, to: string, n: number): string {
  const name = '(__Host-gatehouse-[a-z]+|gatehouse.token)';
  return `    map ${from} ${to} {
        default ${from};
        "~*^\\s*${name}=[^;]*;?\\s*(?<gatehouse_rest_${n}>.*)$" "$gatehouse_rest_${n}";
        "~*^(?<gatehouse_before_${n}>.*?);\\s*${name}=[^;]*(?<gatehouse_after_${n}>.*)$" "$gatehouse_before_${n}$gatehouse_after_${n}";
    }
`;
}

export function nginxConfig(
  dir: string,
  listen: string,
  gatehouseUrl: string,
  originUrl: string,
  prefix: string,
  verifyQuery: string,
): string {
  const query = verifyQuery ? `?${verifyQuery}` : '';
  const headersMore = existsSync(HEADERS_MORE);
  return `# Written by test/browser/support/nginx.ts
${
  headersMore
    ? `load_module ${HEADERS_MORE};
`
    : ''
}worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;

    # The README's maps: the Cookie header without Gatehouse's cookies (__Host-gatehouse-access,
    # -session, -csrf, gatehouse_token), one taken out per map; with more of them than that, no cookies.
${cookieMap('$http_cookie', '$gatehouse_site_cookie_1', 1)}${cookieMap('$gatehouse_site_cookie_1', '$gatehouse_site_cookie_2', 2)}${cookieMap('$gatehouse_site_cookie_2', '$gatehouse_site_cookie_3', 3)}    map $gatehouse_site_cookie_3 $gatehouse_site_cookie {
        default $gatehouse_site_cookie_3;
        "~*(^|;)\\s*(__Host-gatehouse-[a-z]+|gatehouse.token)=" "";
    }

    server {
        listen ${listen};
        server_name _;
${
  headersMore
    ? `
        more_clear_input_headers "X-User-*" "X-Gatehouse-*" "X-Ecosystem-Id" "X-Forwarded-User"
            "X-Forwarded-Email" "X-Forwarded-Preferred-Username" "X-Forwarded-Groups"
            "X-Forwarded-Access-Token" "Remote-*" "X-Remote-*" "X-Auth-Request-*";
`
    : ''
}
        location ${prefix} {
            auth_request /_gatehouse_verify;
            auth_request_set $gatehouse_user_id    $upstream_http_x_user_id;
            auth_request_set $gatehouse_user_email $upstream_http_x_user_email;
            auth_request_set $gatehouse_user_role  $upstream_http_x_user_role;
            auth_request_set $gatehouse_ecosystem  $upstream_http_x_ecosystem_id;
            auth_request_set $gatehouse_set_cookie $upstream_http_set_cookie;   # a renewed access cookie
            auth_request_set $gatehouse_signin     $upstream_http_location;     # on a 401: the sign-in page

            error_page 401 =302 $gatehouse_signin;
            add_header Set-Cookie $gatehouse_set_cookie;   # not sent when empty

            proxy_set_header X-User-Id      $gatehouse_user_id;
            proxy_set_header X-User-Email   $gatehouse_user_email;
            proxy_set_header X-User-Role    $gatehouse_user_role;
            proxy_set_header X-Ecosystem-Id $gatehouse_ecosystem;
            proxy_set_header Authorization  "";
            proxy_set_header Cookie         $gatehouse_site_cookie;
            proxy_pass ${originUrl};
        }

        location = /_gatehouse_verify {
            internal;
            proxy_method GET;
            proxy_pass ${gatehouseUrl}/auth/verify${query};
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI $request_uri;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
        }

        # Gatehouse itself on the same site: the hosted pages (the README proxies only those), OAuth, the rest.
        location / {
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass ${gatehouseUrl};
        }
    }
}
`;
}

/** Starts nginx on a free port and resolves once it accepts connections. */
export async function startNginx(options: NginxOptions = {}): Promise<Nginx> {
  if (!existsSync(NGINX)) throw new Error(`no nginx at ${NGINX}: apt-get install nginx (or set NGINX_PATH)`);
  const host = options.host ?? '127.0.0.2';
  const prefix = options.protectedPrefix ?? '/site/';
  if (!/^\/([^\s;{}]+\/)?$/.test(prefix)) throw new Error(`protectedPrefix "${prefix}" must start and end with "/"`);
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-nginx-'));
  // Run as root, nginx's workers run as nobody and must reach the temp paths inside.
  chmodSync(dir, 0o755);
  const port = await freePort(host);
  const config = nginxConfig(
    dir,
    `${host}:${port}`,
    (options.gatehouseUrl ?? gatehouse().url).replace(/\/$/, ''),
    (options.originUrl ?? gatehouse().originUrl).replace(/\/$/, ''),
    prefix,
    options.verifyQuery ?? 'login=1',
  );
  writeFileSync(join(dir, 'nginx.conf'), config);
  let stderr = '';
  const child: ChildProcess = spawn(NGINX, ['-p', `${dir}/`, '-c', 'nginx.conf', '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = `nginx exited (${signal ?? code}): ${stderr}`;
      resolve();
    });
    child.once('error', (error) => {
      exit = `nginx failed to start: ${error.message}`;
      resolve();
    });
  });
  const stop = async () => {
    if (exit === undefined && child.pid !== undefined) {
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(host, port, 10_000, () => exit);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- nginx.conf ---\n${config}`);
  }
  return { url: `http://${host}:${port}`, config, log: () => stderr, stop };
}
