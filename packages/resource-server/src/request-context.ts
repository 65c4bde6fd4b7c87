/**
 * @module Where `req.uma` lives. Adding a property to a Node.js `IncomingMessage` changes its
 * hidden class on every request, which costs more than the rest of a cache hit; so `uma` is an
 * accessor on the request prototype that every Express app shares (the one just above
 * `IncomingMessage.prototype`, Express 4's and 5's `express.request`), installed the first time
 * a guard lets a request through, and the context is kept in a WeakMap keyed by the request,
 * which lives exactly as long as the request. Reading `req.uma` gives the same frozen object,
 * assigning it still works (the setter keeps what is assigned), and anything that is no
 * `IncomingMessage` (a test's plain object) gets an ordinary own property.
 */
import { IncomingMessage } from 'node:http'
import type { Request } from 'express'
import type { UmaRequestContext } from './middleware.js'

const contexts = new WeakMap<object, UmaRequestContext | undefined>()

/** Marks a prototype whose `uma` is this module's accessor. */
const ACCESSOR = Symbol('uma-kit req.uma accessor')

type Marked = object & { [ACCESSOR]?: true }

/** The prototype right above `IncomingMessage.prototype` in the request's chain, if any. */
function sharedPrototype(req: object): object | undefined {
  let proto: object | null = Object.getPrototypeOf(req) as object | null
  while (proto !== null) {
    const parent = Object.getPrototypeOf(proto) as object | null
    if (parent === IncomingMessage.prototype) return proto
    proto = parent
  }
  return undefined
}

/** Installs the accessor; `false` where it cannot be (no such prototype, or `uma` taken). */
function install(req: object): boolean {
  const proto = sharedPrototype(req)
  if (proto === undefined || Object.prototype.hasOwnProperty.call(proto, 'uma')) return false
  if (!Object.isExtensible(proto)) return false
  Object.defineProperty(proto, 'uma', {
    configurable: true,
    enumerable: false,
    get(this: object): UmaRequestContext | undefined {
      return contexts.get(this)
    },
    set(this: object, value: UmaRequestContext | undefined) {
      contexts.set(this, value)
    },
  })
  Object.defineProperty(proto, ACCESSOR, { value: true })
  return true
}

/**
 * Sets `req.uma` for the request a guard let through.
 *
 * @param req - the request
 * @param context - the decision, frozen
 */
export function setUmaContext(req: Request, context: UmaRequestContext): void {
  if ((req as Marked)[ACCESSOR] === true || install(req)) contexts.set(req, context)
  else req.uma = context
}
