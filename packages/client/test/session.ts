/** Stands in for an app's session in the README's vendor examples: Bob's OpenID Connect ID token. */
export function currentUserIdToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256' })}.${part({ sub: 'bob', iss: 'https://idp.example' })}.signature`
}
