/**
 * The owners' authorization servers: Alice keeps her policies at one development AS
 * (`config/photos.json` of `@uma-kit/dev-server`), Dave at another (`config/dave.json` here),
 * both in the same wire shape, each on a free port of 127.0.0.1.
 */
import {
  PHOTOS_CONFIG_URL,
  createDevServer,
  loadConfig,
  type AsConfig,
  type AsEvent,
  type DevServer,
} from '@uma-kit/dev-server'

/** Dave's owners, clients and policies. */
export const DAVE_CONFIG_URL: URL = new URL('../config/dave.json', import.meta.url)

/** The wire shapes the demo runs against. */
export type DemoShape = 'spec' | 'keycloak'

/** One owner's AS, running. */
export interface OwnerAs {
  /** `alice` */
  readonly owner: string
  /** `AS alice`: how the log names it. */
  readonly label: string
  readonly as: DevServer
  readonly config: AsConfig
  readonly issuer: string
  /** The owner's photos: the resources the policies name for this owner. */
  readonly photos: readonly string[]
}

/** Options of {@link startOwnerAses}. */
export interface OwnerAsesOptions {
  readonly shape: DemoShape
  /** Alice's configuration. @default config/photos.json of the development AS */
  readonly alice?: AsConfig | undefined
  /** Dave's configuration. @default config/dave.json of this example */
  readonly dave?: AsConfig | undefined
  /** Receives each AS's events, with its label. */
  readonly onEvent: (label: string, event: AsEvent) => void
}

/**
 * Starts Alice's AS and Dave's AS.
 *
 * @param options - the shape, the configurations, where events go
 * @returns both, Alice's first
 */
export async function startOwnerAses(options: OwnerAsesOptions): Promise<OwnerAs[]> {
  const configs: [string, AsConfig][] = [
    ['alice', options.alice ?? (await loadConfig(PHOTOS_CONFIG_URL))],
    ['dave', options.dave ?? (await loadConfig(DAVE_CONFIG_URL))],
  ]
  const started: OwnerAs[] = []
  try {
    for (const [owner, config] of configs) {
      const label = `AS ${owner}`
      const as = await createDevServer({
        config,
        shape: options.shape,
        // in Keycloak's shape each AS is a realm: /realms/alice, /realms/dave
        realm: owner,
        onEvent: (event) => options.onEvent(label, event),
      })
      const issuer = await as.listen(0)
      const photos = Object.entries(config.policies)
        .filter(([, policy]) => policy.owner === owner)
        .map(([name]) => name)
      started.push({ owner, label, as, config, issuer, photos })
    }
  } catch (err) {
    await Promise.all(started.map(({ as }) => as.close()))
    throw err
  }
  return started
}
