/**
 * A photo owner's resource server in front of the suite's Keycloak: uma-kit's
 * `createResourceServer` with the owner's PAT, her photos registered with `resources.ensure`
 * (owner-managed), `GET /photos/:name` guarded by `view` and `POST /photos/:name/print` by
 * `print`, on Express at 127.0.0.1.
 */
import { Router, type Request } from 'express'
import {
  createResourceServer,
  type ResourceServer,
  type SingleAsOptions,
} from '@uma-kit/resource-server'
import { listen, type App } from './app.js'
import { issuer } from './context.js'
import { RS, type User } from './realm.js'
import { ownerPat } from './tokens.js'

/** Options of {@link createPhotoRs}. */
export interface PhotoRsOptions {
  /** Whose photos: her PAT registers them and asks for their tickets. @default 'alice' */
  owner?: User
  /** The RS client. @default photo-rs */
  client?: { id: string; secret: string }
  /**
   * Where PATs come from: a function, or uma-kit's own client-credentials grant (the RS's own
   * PAT: then the RS, not the owner, owns what it registers). @default the owner's PAT
   */
  pat?: (() => Promise<string>) | 'client-credentials'
  /** @default 'introspect' */
  rptValidation?: 'introspect' | 'jwt'
  /** @default ['photo.jpg'] */
  photos?: string[]
  /** More options for `createResourceServer`. */
  resourceServer?: Partial<SingleAsOptions>
}

/** One owner's photos behind uma-kit, as an Express router. */
export interface PhotoRs {
  readonly rs: ResourceServer
  /** Each photo's resource id at Keycloak, by name. */
  readonly ids: Map<string, string>
  /** Photos printed, in order. */
  readonly printed: string[]
  readonly router: Router
  /** Registers (or finds) every photo with `resources.ensure`. */
  register(): Promise<void>
}

/** Builds the RS; call `register()` before serving. */
export function createPhotoRs(options: PhotoRsOptions = {}): PhotoRs {
  const owner = options.owner ?? 'alice'
  const client = options.client ?? RS
  const mode = options.rptValidation ?? 'introspect'
  const rs = createResourceServer({
    issuer,
    clientId: client.id,
    clientSecret: client.secret,
    // uma-kit's defaults: the PAT scope, the introspection hint and the JWT audience follow
    // Keycloak by themselves (no uma_protection scope, requesting_party_token, the client id)
    ...(options.pat === 'client-credentials'
      ? {}
      : { pat: options.pat ?? ownerPat(owner, client) }),
    realm: 'photos',
    rptValidation: mode,
    ...options.resourceServer,
  })
  const ids = new Map<string, string>()
  const printed: string[] = []
  const resource = (req: Request) => {
    const id = ids.get(String(req.params.name))
    if (id === undefined) throw new Error(`no photo ${String(req.params.name)}`)
    return id
  }
  const router = Router()
  router.get('/photos/:name', rs.requireUmaScope('view', { resource }), (req, res) => {
    res.json({ photo: req.params.name, owner, permissions: req.uma?.permissions })
  })
  router.post('/photos/:name/print', rs.requireUmaScope('print', { resource }), (req, res) => {
    printed.push(String(req.params.name))
    res.status(202).json({ queued: req.params.name })
  })
  return {
    rs,
    ids,
    printed,
    router,
    async register() {
      for (const name of options.photos ?? ['photo.jpg']) {
        const id = await rs.resources.ensure({
          name,
          type: 'https://photos.example/photo',
          owner,
          ownerManagedAccess: true,
          resource_scopes: ['view', 'print'],
        })
        ids.set(name, id)
      }
    },
  }
}

/** Creates, registers and serves one RS; `close()` stops both the app and the RS. */
export async function startPhotoRs(
  options: PhotoRsOptions = {},
): Promise<PhotoRs & App & { photo(name?: string): string }> {
  const photoRs = createPhotoRs(options)
  await photoRs.register()
  const app = await listen(photoRs.router)
  return {
    ...photoRs,
    ...app,
    photo: (name = 'photo.jpg') => `${app.url}/photos/${name}`,
    async close() {
      await app.close()
      await photoRs.rs.close()
    },
  }
}
