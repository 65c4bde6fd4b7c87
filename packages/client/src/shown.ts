/**
 * @module Values that are not secrets, made safe to put in a message: bounded, stripped of
 * control characters (an AS- or RS-chosen value must not forge log lines), quoted.
 */

/** Longest value shown in a message. */
const MAX_SHOWN = 200

/**
 * A value from the wire, for a message: control characters replaced, cut at 200 characters,
 * JSON-quoted so that its ends are visible.
 *
 * @param value - e.g. a challenge's `as_uri`
 * @returns the quoted text
 */
export function shownValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- stripping them is the point
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?')
  return JSON.stringify(clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}…` : clean)
}

/**
 * A URL for a message: its origin and path only (a query may carry a ticket or a token), or the
 * quoted value where it is not a URL.
 *
 * @param value - an endpoint or resource URL
 * @returns the text
 */
export function shownUrl(value: string | URL): string {
  try {
    const url = typeof value === 'string' ? new URL(value) : value
    const text = `${url.origin}${url.pathname}`
    return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text
  } catch {
    return shownValue(String(value))
  }
}
