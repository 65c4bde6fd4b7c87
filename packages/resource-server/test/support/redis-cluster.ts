/**
 * A small Redis cluster of real processes: three masters on free ports of 127.0.0.1, their bus
 * ports free too, joined with `redis-cli --cluster create`.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { freePort, startRedisServer, type RedisServer } from './redis-server.js'

const run = promisify(execFile)

/** A running cluster. */
export interface RedisCluster {
  readonly nodes: readonly RedisServer[]
  readonly ports: readonly number[]
  stop(): Promise<void>
}

async function clusterState(port: number): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info'])
  return /cluster_state:(\w+)/.exec(stdout)?.[1] ?? 'unknown'
}

/**
 * Starts and joins a cluster (needs Redis 7 for `--cluster-port`: the default bus port, the
 * port plus 10 000, may be taken or past 65 535).
 *
 * @param masters - how many masters
 * @returns the cluster, every node reporting `cluster_state:ok`
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const nodes: RedisServer[] = []
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()))
  }
  try {
    for (let i = 0; i < masters; i++) {
      const bus = await freePort()
      nodes.push(
        await startRedisServer(['--cluster-enabled', 'yes', '--cluster-port', String(bus)]),
      )
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`)
    await run(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0'].concat('--cluster-yes'),
    )
    const deadline = Date.now() + 10_000
    for (const node of nodes) {
      while ((await clusterState(node.port)) !== 'ok') {
        if (Date.now() > deadline) throw new Error('the cluster did not come up')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { nodes, ports: nodes.map((node) => node.port), stop }
}
