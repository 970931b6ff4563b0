// The bad requests the robustness sweeps send, per dimension: bodies (malformed JSON, JSON that is
// not an object, each field with every wrong type, null and 100 KB, unicode oddities, nested
// junk), path parameters and query strings (huge, broken or encoded escapes, `;`, unicode,
// repeated and unknown keys), and credentials (broken Authorization headers, garbage cookies and
// every valid token of the wrong kind). Each probe says whether it must be refused.
import type { RouteCase, Fields } from './routes';
import { faceOf } from './shapes';
import { credential, goodBody, HUGE, withQuery, type Probe } from './sweep';
import { TOKEN_KINDS, type World } from './world';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

const NOT_OBJECTS: [string, string][] = [
  ['malformed JSON', '{"email": '],
  ['a JSON array', '[{"email": "a@example.com"}]'],
  ['a JSON string', '"hello"'],
  ['a JSON number', '42'],
  ['JSON null', 'null'],
  ['JSON true', 'true'],
  ['a JSON object with trailing junk', '{"a": 1} x'],
];

const WRONG_VALUES: [string, unknown][] = [
  ['a number', 42],
  ['a fraction', 1.5],
  ['an object', { value: 'x' }],
  ['an array', ['x']],
  ['a boolean', true],
  ['a string', 'x'],
];

const ODDITIES: [string, string][] = [
  ['a lone high surrogate', '\ud800'],
  ['a lone low surrogate', '\udc00'],
  ['a NUL byte', '\u0000'],
  ['RTL and LTR marks', '\u202e\u200f\u200e'],
  ['a zero-width joiner and BOM', '\u200d\ufeff'],
];

const kindOf = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

type Make = Probe['make'];

/** The route's credential and a raw body of a content type. */
function rawBody(route: RouteCase, type: string, text: (w: World) => string): Make {
  return (w) => ({ opts: { raw: text(w), headers: { ...credential(route, w), 'content-type': type } } });
}

/** The route's credential and a JSON body. */
function jsonBody(route: RouteCase, fields: (w: World) => Fields): Make {
  return (w) => ({ opts: { headers: credential(route, w), body: fields(w) } });
}

function formOf(fields: Fields, twice = false): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    form.append(name, String(value));
    if (twice) form.append(name, `${String(value)}-again`);
  }
  return form.toString();
}

/** The whole body replaced by something that is not a JSON object (or a broken form). */
/** The statuses a body of the wrong kind gets: 400, and a hosted form's 403 page (anything but its form fails its CSRF check). */
const wrongBody = (route: RouteCase) => (route.formOnly ? [400, 403] : [400]);

function notObjectProbes(route: RouteCase): Probe[] {
  const probes: Probe[] = NOT_OBJECTS.map(([label, raw]) => ({
    label,
    make: rawBody(route, JSON_TYPE, () => raw),
    refused: wrongBody(route),
  }));
  const deep = `{"deep": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
  probes.push({ label: 'a JSON object nested 20,000 deep', make: rawBody(route, JSON_TYPE, () => deep) });
  if (route.form) {
    probes.push(
      { label: 'a form body with broken escapes', make: rawBody(route, FORM_TYPE, () => '%zz=%&%00=%E0%A4%A&=&&') },
      { label: 'a form body with repeated keys', make: rawBody(route, FORM_TYPE, (w) => formOf(route.body!(w), true)) },
      { label: 'a good form body with a NUL', make: rawBody(route, FORM_TYPE, (w) => `${formOf(route.body!(w))}%00`) },
    );
  }
  return probes;
}

const isWrongFor =
  (good: unknown) =>
  ([, value]: [string, unknown]) =>
    kindOf(value) !== kindOf(good) && !(typeof good === 'number' && typeof value === 'number');

/** One field changed: every wrong type, null, 60 and 100 KB, and (strings) each unicode oddity. */
function fieldProbes(route: RouteCase, name: string, good: unknown): Probe[] {
  if (route.formOnly) return formFieldProbes(route, name);
  const withField = (value: (w: World) => unknown) => jsonBody(route, (w) => ({ ...route.body!(w), [name]: value(w) }));
  const probes: Probe[] = WRONG_VALUES.filter(isWrongFor(good)).map(([label, value]) => ({
    label: `${name} as ${label}`,
    make: withField(() => value),
    refused: [400],
  }));
  probes.push(
    { label: `${name} as null`, make: withField(() => null) },
    { label: `${name} as a 100 KB string`, make: withField(() => 'x'.repeat(100_000)), refused: [413] },
    { label: `${name} as a 60 KB string`, make: withField(() => 'x'.repeat(60_000)) },
  );
  if (typeof good !== 'string') return probes;
  for (const [label, odd] of ODDITIES) {
    probes.push({ label: `${name} ending in ${label}`, make: withField((w) => `${route.body!(w)[name] as string}${odd}`) });
  }
  probes.push({ label: `${name} as an empty string`, make: withField(() => '') });
  return probes;
}

/** A hosted form's field changed (a form has no types): missing, empty, 60 and 100 KB, each unicode oddity. */
function formFieldProbes(route: RouteCase, name: string): Probe[] {
  const withField = (value: (w: World) => string | undefined) =>
    rawBody(route, FORM_TYPE, (w) => {
      const { [name]: good, ...rest } = route.body!(w);
      const changed = value(w);
      return formOf(changed === undefined ? rest : { ...rest, [name]: changed ?? good });
    });
  const probes: Probe[] = [
    { label: `${name} left out`, make: withField(() => undefined) },
    { label: `${name} as an empty string`, make: withField(() => '') },
    { label: `${name} as a 100 KB string`, make: withField(() => 'x'.repeat(100_000)), refused: [413] },
    { label: `${name} as a 60 KB string`, make: withField(() => 'x'.repeat(60_000)) },
  ];
  for (const [label, odd] of ODDITIES) {
    probes.push({ label: `${name} ending in ${label}`, make: withField((w) => `${String(route.body!(w)[name])}${odd}`) });
  }
  return probes;
}

export function bodyProbes(route: RouteCase, first: World): Probe[] {
  const probes = notObjectProbes(route);
  for (const [name, good] of Object.entries(route.body!(first))) probes.push(...fieldProbes(route, name, good));
  const duplicated = (w: World) => JSON.stringify(route.body!(w)).replace(/^\{/, '{"zz": 1, "zz": {"a": 2}, ');
  probes.push(
    { label: 'unknown fields', make: jsonBody(route, (w) => ({ ...route.body!(w), zz: [1], __proto__: { admin: true } })) },
    { label: 'an empty object', make: jsonBody(route, () => ({})) },
    { label: 'duplicate keys', make: rawBody(route, JSON_TYPE, duplicated) },
  );
  for (const [index, extra] of (route.extraBodies?.(first) ?? []).entries()) {
    probes.push({
      label: `nested junk #${index + 1} (${JSON.stringify(extra).slice(0, 60)})`,
      make: jsonBody(route, (w) => ({ ...route.body!(w), ...route.extraBodies!(w)[index] })),
    });
  }
  return probes;
}

const PATH_VALUES: [string, string][] = [
  ['10,000 characters', HUGE],
  ['a lone %', '%'],
  ['%zz', '%zz'],
  ['a truncated escape', '%E0%A4%A'],
  ['an encoded NUL', '%00'],
  ['an encoded slash', '%2F'],
  ['an encoded slash inside', 'a%2Fb'],
  ['encoded dot-segments', '%2e%2e'],
  ['an encoded backslash', '%5C'],
  ['a semicolon', ';'],
  ['semicolons inside', 'a;b;c'],
  ['an encoded semicolon', 'a%3Bb'],
  ['unicode', encodeURIComponent('ü名😀')],
  ['an encoded lone surrogate', '%ED%A0%80'],
  ['an encoded RTL mark', '%E2%80%AE'],
  ['invalid UTF-8', '%FF%FE'],
  ['an overlong slash', '%C0%AF'],
  ['SQL', encodeURIComponent("' or '1'='1")],
  ['a space', '%20'],
  ['an empty value', ''],
];

const QUERY_VALUES: [string, string][] = [
  ['a lone %', '%'],
  ['%zz', '%zz'],
  ['an encoded NUL', '%00'],
  ['10,000 characters', HUGE],
  ['an encoded lone surrogate', '%ED%A0%80'],
  ['invalid UTF-8', '%FF'],
  ['unicode and RTL', encodeURIComponent('ü\u202e名')],
  ['an empty value', ''],
];

export function pathProbes(route: RouteCase): Probe[] {
  return Object.entries(route.params ?? {}).flatMap(([param, pathWith]) =>
    PATH_VALUES.map(([label, value]): Probe => ({ label: `${param} as ${label}`, make: (w) => ({ path: pathWith(w, value) }) })),
  );
}

export function queryProbes(route: RouteCase): Probe[] {
  const probes: Probe[] = [
    { label: 'unknown query keys, repeated', make: (w) => ({ path: withQuery(route.path(w), 'zz=1&zz=2&zz&%zz=%&=x&&') }) },
    { label: 'an unknown key with a huge value', make: (w) => ({ path: withQuery(route.path(w), `unknown=${HUGE}`) }) },
    { label: 'array-style keys', make: (w) => ({ path: withQuery(route.path(w), 'a[]=1&a[b]=2&__proto__[x]=1') }) },
  ];
  for (const key of route.query ?? []) {
    probes.push({ label: `${key} repeated`, make: (w) => ({ path: withQuery(route.path(w), `${key}=1&${key}=2`) }) });
    probes.push({ label: `${key} without a value`, make: (w) => ({ path: withQuery(route.path(w), key) }) });
    for (const [label, value] of QUERY_VALUES) {
      probes.push({ label: `${key} as ${label}`, make: (w) => ({ path: withQuery(route.path(w), `${key}=${value}`) }) });
    }
  }
  return probes;
}

const BAD_HEADERS: [string, string][] = [
  ['an empty Authorization header', ''],
  ['a blank Authorization header', '   '],
  ['a bare "Bearer"', 'Bearer'],
  ['"Bearer " and nothing', 'Bearer '],
  ['"Bearer  x y"', 'Bearer  x y'],
  ['"Basic !!!"', 'Basic !!!'],
  ['Basic without a colon', `Basic ${btoa('no-colon-here')}`],
  ['Basic with a broken escape', `Basic ${btoa('client:%zz')}`],
  ['Basic with an empty secret', `Basic ${btoa('client:')}`],
  ['an unknown scheme', 'Digest username="x"'],
  ['a 10 KB bearer token', `Bearer ${'a'.repeat(10_240)}`],
  ['a 10 KB raw token', 'a'.repeat(10_240)],
  ['an unsigned JWT', 'Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4IiwiaWF0IjoxfQ.'],
  ['a JWT with a garbage header', 'Bearer e30.e30.e30'],
  ['a token of dots', 'Bearer ...'],
  ['latin-1 bytes', 'Bearer \u00e9\u00ff\u00fe'],
  ['a tab instead of a space', 'Bearer\tabc'],
];

/** How a token is presented, and whether it is still the token (a cut one is not). */
const TOKEN_FORMS: [string, (token: string) => string, boolean][] = [
  ['as Bearer', (token) => `Bearer ${token}`, true],
  ['raw', (token) => token, true],
  ['with a lower-case scheme', (token) => `bearer ${token}`, true],
  ['cut short', (token) => `Bearer ${token.slice(0, -2)}`, false],
];

function requestWith(route: RouteCase, w: World, headers: Record<string, string>) {
  return { opts: { headers, ...goodBody(route, w) } };
}

/**
 * A hosted page's credential is the browser's session cookie (it reads no Authorization header):
 * garbage, huge and every kind of token as that cookie, beside the garbage token cookie. A page
 * without a session is shown, or sends the browser to sign in, never a 500.
 */
function pageCookieProbes(route: RouteCase): Probe[] {
  const session =
    (value: (w: World) => string): Probe['make'] =>
    (w) =>
      requestWith(route, w, { cookie: `__Host-gatehouse-session=${value(w)}` });
  return [
    { label: 'no cookie', make: (w) => requestWith(route, w, {}) },
    { label: 'only a garbage token cookie', make: (w) => requestWith(route, w, { cookie: 'gatehouse_token=%zz; gatehouse_token=x.y.z' }) },
    { label: 'a garbage session cookie', make: session(() => '%zz.%00') },
    { label: 'a 4 KB session cookie', make: session(() => 'a'.repeat(4096)) },
    {
      label: 'two session cookies',
      make: (w) => requestWith(route, w, { cookie: '__Host-gatehouse-session=a.b; __Host-gatehouse-session=c.d' }),
    },
    ...TOKEN_KINDS.map((kind): Probe => ({ label: `a ${kind} token as the session cookie`, make: session((w) => w.tokens[kind]) })),
  ];
}

export function authProbes(route: RouteCase): Probe[] {
  if (faceOf(route.name.split(' ')[1]!) === 'page') return pageCookieProbes(route);
  const needsToken = route.accepts !== undefined;
  const refusedUnless = (accepted: boolean): Probe['refused'] => (needsToken && !accepted ? true : undefined);
  const probes: Probe[] = [
    { label: 'no Authorization header', make: (w) => requestWith(route, w, {}), refused: refusedUnless(false) },
    {
      label: 'only a garbage token cookie',
      make: (w) => requestWith(route, w, { cookie: 'gatehouse_token=%zz; gatehouse_token=x.y.z' }),
      refused: refusedUnless(false),
    },
    ...BAD_HEADERS.map(
      ([label, header]): Probe => ({
        label,
        make: (w) => requestWith(route, w, { authorization: header }),
        refused: refusedUnless(false),
      }),
    ),
  ];
  for (const kind of TOKEN_KINDS) {
    const accepted = route.accepts?.includes(kind) ?? true;
    for (const [form, header, stillGood] of TOKEN_FORMS) {
      probes.push({
        label: `a ${kind} token ${form}`,
        make: (w) => requestWith(route, w, { authorization: header(w.tokens[kind]) }),
        refused: refusedUnless(accepted && stillGood),
      });
    }
  }
  return probes;
}
