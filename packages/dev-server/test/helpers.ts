/**
 * HTTP helpers of the dev server's tests: Basic credentials, form and JSON calls that return the
 * status, the parsed body (JSON or text) and the headers.
 */
export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

export const RS = basic('photo-rs', 'photo-rs-secret')
export const BOB = basic('bob-app', 'bob-app-secret')
export const CAROL = basic('carol-app', 'carol-app-secret')
export const UMA_GRANT = 'urn:ietf:params:oauth:grant-type:uma-ticket'

export interface Answer {
  status: number
  json: Record<string, unknown>
  body: unknown
  text: string
  headers: Headers
}

async function read(res: Response): Promise<Answer> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // plain text, as CAS answers some errors
  }
  const json =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {}
  return { status: res.status, json, body, text, headers: res.headers }
}

/** POSTs a form. */
export async function postForm(
  url: string,
  auth: string | undefined,
  params: Record<string, string>,
): Promise<Answer> {
  return read(
    await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(auth === undefined ? {} : { authorization: auth }),
      },
      body: new URLSearchParams(params).toString(),
    }),
  )
}

/** Calls with a JSON body (or none), `Content-Type: application/json` unless told otherwise (`null`: none). */
export async function callJson(
  method: string,
  url: string,
  auth: string | undefined,
  body?: unknown,
  contentType: string | null = 'application/json',
): Promise<Answer> {
  return read(
    await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(contentType === null ? {} : { 'content-type': contentType }),
        ...(auth === undefined ? {} : { authorization: auth }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  )
}

/** A PAT (or, with `scope`, another client-credentials token) from a token endpoint. */
export async function clientToken(
  tokenEndpoint: string,
  auth: string,
  scope = 'uma_protection',
): Promise<string> {
  const { json, status } = await postForm(tokenEndpoint, auth, {
    grant_type: 'client_credentials',
    scope,
  })
  if (status !== 200) throw new Error(`no token: ${status} ${JSON.stringify(json)}`)
  return String(json.access_token)
}

/** An unsigned ID token, as WSO2 IS reads one (it does not check the signature). */
export function idToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`
}
