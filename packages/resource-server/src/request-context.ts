/**
 * @module Where `req.uma` lives. Adding a property to a Node.js `IncomingMessage` changes its
 * hidden class on every request, which costs more than the rest of a cache hit; so `uma` is an
 * accessor on the request prototype that every Express app shares (the one just above
 * `IncomingMessage.prototype`, Express 4's and 5's `express.request`), installed the first time
 * a guard lets a request through. The context itself is kept under a private symbol in
 * `res.locals`, the per-request object Express makes with `Object.create(null)`: V8 keeps such
 * objects as dictionaries, so an entry is an insertion (about 40 ns) where a `WeakMap` keyed by
 * the request cost about 0.7 µs in a running server and work for every garbage collection.
 * Where there is no `res.locals` object the WeakMap keeps it. Reading `req.uma` gives the same
 * frozen object, assigning it still works (the setter keeps what is assigned), and anything that
 * is no `IncomingMessage` (a test's plain object) gets an ordinary own property. The symbol is
 * no string key: `JSON.stringify`, `for…in` and `Object.keys` of `res.locals` never see it.
 */
import { IncomingMessage } from 'node:http'
import type { Request } from 'express'
import type { UmaRequestContext } from './middleware.js'

const contexts = new WeakMap<object, UmaRequestContext | undefined>()

/** The key of the context in `res.locals`: not `Symbol.for`, so no other code can name it. */
const CONTEXT = Symbol('uma-kit req.uma')

type Locals = Record<symbol, UmaRequestContext | undefined>

/** The request's `res.locals`, where Express made one. */
function localsOf(req: object): Locals | undefined {
  const locals = (req as { res?: { locals?: unknown } }).res?.locals
  return typeof locals === 'object' && locals !== null ? (locals as Locals) : undefined
}

function read(req: object): UmaRequestContext | undefined {
  const locals = localsOf(req)
  return locals !== undefined && CONTEXT in locals ? locals[CONTEXT] : contexts.get(req)
}

function keep(req: object, context: UmaRequestContext | undefined): void {
  const locals = localsOf(req)
  if (locals !== undefined) locals[CONTEXT] = context
  else contexts.set(req, context)
}

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
      return read(this)
    },
    set(this: object, value: UmaRequestContext | undefined) {
      keep(this, value)
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
  if ((req as Marked)[ACCESSOR] === true || install(req)) keep(req, context)
  else req.uma = context
}
