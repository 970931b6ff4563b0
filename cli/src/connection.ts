// Where the CLI talks to and with what: the deployment from --url, GATEHOUSE_URL or the config
// file; the account token from GATEHOUSE_TOKEN or the config file (never a flag, which would land
// in shell history), and the config file only when no one but its owner can read it. The calls
// themselves go through the typed client (api.ts).
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { usageError, type Io } from './io';

interface ConfigFile {
  path: string;
  url?: string;
  token?: string;
}

/** GATEHOUSE_CONFIG, else $XDG_CONFIG_HOME/gatehouse/config.json, else ~/.config/gatehouse/config.json. */
export function configPath(io: Io): string {
  if (io.env.GATEHOUSE_CONFIG) return io.env.GATEHOUSE_CONFIG;
  return join(io.env.XDG_CONFIG_HOME || join(io.home, '.config'), 'gatehouse', 'config.json');
}

/** The config file, or undefined when there is none; refused unless only its owner may read it. */
function readConfigFile(io: Io): ConfigFile | undefined {
  const path = configPath(io);
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return undefined;
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8);
    throw usageError(`${path} has mode ${octal}: it holds the account token, so only its owner may read it.\nRun: chmod 600 ${path}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw usageError(
      `${path} is not valid JSON (${error instanceof Error ? error.message : 'unreadable'}); expected {"url": "...", "token": "..."}`,
    );
  }
  const file = (parsed ?? {}) as Record<string, unknown>;
  for (const key of ['url', 'token']) {
    if (file[key] !== undefined && typeof file[key] !== 'string') throw usageError(`${path}: "${key}" must be a string`);
  }
  return { path, url: file.url as string | undefined, token: file.token as string | undefined };
}

export interface Connection {
  url: string;
  token: string;
  /** Where the token came from, for a 401's hint. */
  tokenSource: string;
}

function checkedUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`${source} is not a URL (got "${value}"); expected e.g. https://auth.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw usageError(`${source} must be an http(s) URL (got "${value}")`);
  return value.replace(/\/+$/, '');
}

/** The deployment alone (`login` needs no account token): --url, GATEHOUSE_URL, else the config file's. */
export function deploymentUrl(io: Io, urlFlag: string | undefined): string {
  if (urlFlag !== undefined) return checkedUrl(urlFlag, '--url');
  if (io.env.GATEHOUSE_URL) return checkedUrl(io.env.GATEHOUSE_URL, 'GATEHOUSE_URL');
  const file = readConfigFile(io);
  if (file?.url) return checkedUrl(file.url, `"url" in ${file.path}`);
  throw usageError('No deployment given: pass --url https://... or set GATEHOUSE_URL.');
}

export interface UserTokens {
  clientId: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt: string;
}

/**
 * Keeps a person's tokens (from `login`) in the config file as `"user"`, with the deployment's URL;
 * the rest of the file (the account token) stays as it was. Written at mode 600, as the file must be.
 */
export function saveUserTokens(io: Io, url: string, tokens: UserTokens): void {
  const path = configPath(io);
  const current = readConfigFile(io) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify({ ...current, url, user: tokens }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The deployment and account token for an operator command; exit 2 naming what is missing. */
export function connect(io: Io, urlFlag: string | undefined, tokenVar = 'GATEHOUSE_TOKEN'): Connection {
  let file: ConfigFile | undefined;
  const fileOnce = () => (file ??= readConfigFile(io) ?? { path: configPath(io) });
  let url: string;
  if (urlFlag !== undefined) url = checkedUrl(urlFlag, '--url');
  else if (io.env.GATEHOUSE_URL) url = checkedUrl(io.env.GATEHOUSE_URL, 'GATEHOUSE_URL');
  else if (fileOnce().url) url = checkedUrl(fileOnce().url!, `"url" in ${fileOnce().path}`);
  else throw usageError('No deployment given: pass --url https://... or set GATEHOUSE_URL.');
  if (io.env[tokenVar]) return { url, token: io.env[tokenVar]!, tokenSource: tokenVar };
  if (tokenVar !== 'GATEHOUSE_TOKEN' && io.env.GATEHOUSE_TOKEN)
    return { url, token: io.env.GATEHOUSE_TOKEN, tokenSource: 'GATEHOUSE_TOKEN' };
  const fileToken = fileOnce().token;
  if (!fileToken) throw usageError(`No account token: set GATEHOUSE_TOKEN, or put {"token": "..."} in ${fileOnce().path} (mode 600).`);
  return { url, token: fileToken, tokenSource: `the token in ${fileOnce().path}` };
}
