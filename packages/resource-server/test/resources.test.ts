/**
 * The Resource Registration API against the answers of the spec, Keycloak, WSO2, CAS and
 * SolidLab (wire.md §3.2, §6).
 */
import { HttpResponse, http } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createResourceServer, type ResourceServer } from '../src/index.js'
import { MSW_LISTEN, createMswServer, mswFetch } from './support/app.js'

const msw = createMswServer()
beforeAll(() => msw.listen(MSW_LISTEN))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

const ISSUER = 'https://as.example'
const R = `${ISSUER}/rreg`
const METADATA = {
  token_endpoint: `${ISSUER}/token`,
  permission_endpoint: `${ISSUER}/perm`,
  introspection_endpoint: `${ISSUER}/introspect`,
  resource_registration_endpoint: R,
}
const ALBUM = {
  name: 'Album 7',
  type: 'https://photos.example/album',
  resource_scopes: ['view', 'print'],
}

function server(): ResourceServer {
  msw.use(
    http.post(METADATA.token_endpoint, () =>
      HttpResponse.json({ access_token: 'pat', token_type: 'Bearer' }),
    ),
  )
  return createResourceServer({
    issuer: ISSUER,
    clientId: 'rs',
    clientSecret: 's',
    metadata: METADATA,
    fetch: mswFetch,
  })
}

describe('resources, spec shape', () => {
  it('creates a resource with the PAT and returns _id and the policy URI', async () => {
    const rs = server()
    let sent: unknown
    let auth: string | null = null
    msw.use(
      http.post(R, async ({ request }) => {
        sent = await request.json()
        auth = request.headers.get('authorization')
        return HttpResponse.json(
          { _id: 'r7', user_access_policy_uri: 'https://as.example/policy/r7' },
          { status: 201, headers: { location: `${R}/r7` } },
        )
      }),
    )
    await expect(rs.resources.create(ALBUM)).resolves.toEqual({
      _id: 'r7',
      user_access_policy_uri: 'https://as.example/policy/r7',
    })
    expect(sent).toEqual(ALBUM)
    expect(auth).toBe('Bearer pat')
    await rs.close()
  })

  it('reads, updates, deletes and lists', async () => {
    const rs = server()
    const calls: string[] = []
    msw.use(
      http.get(`${R}/r7`, ({ request }) => {
        calls.push(`GET ${request.headers.get('content-type')}`)
        return HttpResponse.json({ _id: 'r7', ...ALBUM })
      }),
      http.put(`${R}/r7`, async ({ request }) => {
        calls.push(`PUT ${JSON.stringify(await request.json())}`)
        return HttpResponse.json({ _id: 'r7' })
      }),
      http.delete(`${R}/r7`, () => {
        calls.push('DELETE')
        return new HttpResponse(null, { status: 204 })
      }),
      http.get(R, () => HttpResponse.json(['r7', 'r8'])),
    )
    await expect(rs.resources.read('r7')).resolves.toEqual({ _id: 'r7', ...ALBUM })
    await expect(rs.resources.update('r7', ALBUM)).resolves.toBeUndefined()
    await expect(rs.resources.delete('r7')).resolves.toBeUndefined()
    await expect(rs.resources.list()).resolves.toEqual(['r7', 'r8'])
    // CAS 6.x wants the JSON content type even on GET (wire.md pitfall 14)
    expect(calls).toEqual(['GET application/json', `PUT ${JSON.stringify(ALBUM)}`, 'DELETE'])
    await rs.close()
  })

  it('percent-encodes ids that are URLs (SolidLab)', async () => {
    const rs = server()
    const id = 'http://127.0.0.1:5000/alice/doc 1'
    let path = ''
    msw.use(
      http.get(`${R}/:id`, ({ request }) => {
        path = new URL(request.url).pathname
        return HttpResponse.json({ name: 'doc', resource_scopes: ['read'] })
      }),
    )
    // SolidLab's read omits _id: the id asked for is kept
    await expect(rs.resources.read(id)).resolves.toMatchObject({ _id: id, name: 'doc' })
    expect(path).toBe(`/rreg/${encodeURIComponent(id)}`)
    await rs.close()
  })

  it.each([
    [404, { error: 'not_found' }, 'not_found'],
    [404, '', 'not_found'],
    [400, { error: 'invalid_request' }, 'invalid_request'],
    [409, { code: 'conflict', description: 'exists' }, 'conflict'],
    [405, { error: 'unsupported_method_type' }, 'as_error'],
    [502, '<html>bad gateway</html>', 'as_error'],
  ])('maps %s %j to %s', async (status, body, code) => {
    const rs = server()
    msw.use(
      http.get(`${R}/r7`, () =>
        typeof body === 'string'
          ? new HttpResponse(body, { status })
          : HttpResponse.json(body, { status }),
      ),
    )
    await expect(rs.resources.read('r7')).rejects.toMatchObject({
      name: 'UmaError',
      code,
      asStatus: status,
    })
    await rs.close()
  })

  it.each([
    ['no resource_scopes', { name: 'x' }],
    ['scopes that are numbers', { resource_scopes: [1] }],
    ['an empty name', { name: '', resource_scopes: [] }],
    ['null', null],
  ])('throws a TypeError for a description with %s', async (_label, description) => {
    const rs = server()
    await expect(rs.resources.create(description as never)).rejects.toThrow(TypeError)
    await rs.close()
  })

  it('throws a TypeError for an empty id', async () => {
    const rs = server()
    await expect(rs.resources.read('')).rejects.toThrow(TypeError)
    await rs.close()
  })
})

describe('resources, vendor shapes', () => {
  it("reads Keycloak's create (full resource, no Location), scope objects and 204 update", async () => {
    const rs = server()
    msw.use(
      http.post(R, () =>
        HttpResponse.json(
          {
            _id: 'kc-1',
            name: 'Album 7',
            resource_scopes: [{ name: 'view' }, { name: 'print' }],
            owner: { id: 'u1' },
          },
          { status: 201 },
        ),
      ),
      http.get(`${R}/kc-1`, () =>
        HttpResponse.json({
          _id: 'kc-1',
          name: 'Album 7',
          resource_scopes: [{ name: 'view' }, { name: 'print' }],
        }),
      ),
      http.put(`${R}/kc-1`, () => new HttpResponse(null, { status: 204 })),
    )
    await expect(rs.resources.create(ALBUM)).resolves.toEqual({ _id: 'kc-1' })
    await expect(rs.resources.read('kc-1')).resolves.toMatchObject({
      resource_scopes: ['view', 'print'],
    })
    await expect(rs.resources.update('kc-1', ALBUM)).resolves.toBeUndefined()
    await rs.close()
  })

  it("takes the id from Location when the body has none (WSO2's update answers 201 too)", async () => {
    const rs = server()
    msw.use(
      http.post(
        R,
        () => new HttpResponse(null, { status: 201, headers: { location: `${R}/loc-9` } }),
      ),
      http.put(`${R}/loc-9`, () => HttpResponse.json({ _id: 'loc-9' }, { status: 201 })),
    )
    await expect(rs.resources.create(ALBUM)).resolves.toEqual({ _id: 'loc-9' })
    await expect(rs.resources.update('loc-9', ALBUM)).resolves.toBeUndefined()
    await rs.close()
  })

  it("reads CAS's numeric ids, wrapped entities and numeric lists", async () => {
    const rs = server()
    msw.use(
      http.post(R, () =>
        HttpResponse.json({ entity: { id: 7, name: 'Album 7' }, code: 'CREATED', resourceId: 7 }),
      ),
      http.get(`${R}/7`, () =>
        HttpResponse.json({
          entity: { id: 7, name: 'Album 7', resource_scopes: ['view'] },
          code: 'FOUND',
        }),
      ),
      http.get(R, () => HttpResponse.json([7, 8])),
    )
    await expect(rs.resources.create(ALBUM)).resolves.toEqual({ _id: '7' })
    await expect(rs.resources.read('7')).resolves.toMatchObject({
      _id: '7',
      name: 'Album 7',
      resource_scopes: ['view'],
    })
    await expect(rs.resources.list()).resolves.toEqual(['7', '8'])
    await rs.close()
  })

  it('rejects a creation answer with no id anywhere', async () => {
    const rs = server()
    msw.use(http.post(R, () => HttpResponse.json({ ok: true }, { status: 201 })))
    await expect(rs.resources.create(ALBUM)).rejects.toMatchObject({ code: 'invalid_response' })
    await rs.close()
  })

  it("pages Keycloak's list with first and max until a short page", async () => {
    const rs = server()
    const pages: string[] = []
    msw.use(
      http.get(R, ({ request }) => {
        const url = new URL(request.url)
        pages.push(`${url.searchParams.get('first')}/${url.searchParams.get('max')}`)
        const first = Number(url.searchParams.get('first'))
        const size = first === 0 ? 100 : 30
        return HttpResponse.json(Array.from({ length: size }, (_, i) => `id-${first + i}`))
      }),
    )
    const ids = await rs.resources.list()
    expect(ids).toHaveLength(130)
    expect(pages).toEqual(['0/100', '100/100'])
    await rs.close()
  })

  it('stops paging a server that ignores first and max', async () => {
    const rs = server()
    let calls = 0
    const all = Array.from({ length: 100 }, (_, i) => `id-${i}`)
    msw.use(
      http.get(R, () => {
        calls += 1
        return HttpResponse.json(all)
      }),
    )
    await expect(rs.resources.list()).resolves.toHaveLength(100)
    expect(calls).toBe(2)
    await rs.close()
  })
})

describe('resources.ensure', () => {
  it('returns the id of the resource with that name, without creating one', async () => {
    const rs = server()
    let created = 0
    msw.use(
      http.get(R, () => HttpResponse.json(['a', 'b'])),
      http.get(`${R}/a`, () =>
        HttpResponse.json({ _id: 'a', name: 'Other', resource_scopes: ['view'] }),
      ),
      http.get(`${R}/b`, () =>
        HttpResponse.json({ _id: 'b', name: 'Album 7', resource_scopes: ['view', 'print'] }),
      ),
      http.post(R, () => {
        created += 1
        return HttpResponse.json({ _id: 'new' }, { status: 201 })
      }),
    )
    await expect(rs.resources.ensure(ALBUM)).resolves.toBe('b')
    expect(created).toBe(0)
    await rs.close()
  })

  it('creates the resource when no resource has that name, once however many ask', async () => {
    const rs = server()
    let created = 0
    msw.use(
      http.get(R, () => HttpResponse.json([])),
      http.post(R, () => {
        created += 1
        return HttpResponse.json({ _id: 'new' }, { status: 201 })
      }),
    )
    const ids = await Promise.all([rs.resources.ensure(ALBUM), rs.resources.ensure(ALBUM)])
    expect(ids).toEqual(['new', 'new'])
    expect(created).toBe(1)
    await rs.close()
  })

  it('updates a resource found without all the scopes described', async () => {
    const rs = server()
    let updated: unknown
    msw.use(
      http.get(R, () => HttpResponse.json(['b'])),
      http.get(`${R}/b`, () =>
        HttpResponse.json({ _id: 'b', name: 'Album 7', resource_scopes: [{ name: 'view' }] }),
      ),
      http.put(`${R}/b`, async ({ request }) => {
        updated = await request.json()
        return new HttpResponse(null, { status: 204 })
      }),
    )
    await expect(rs.resources.ensure(ALBUM)).resolves.toBe('b')
    expect(updated).toEqual({ _id: 'b', ...ALBUM })
    await rs.close()
  })

  it('never loses what the AS holds: its other scopes and fields stay, the given ones are added (issue 13)', async () => {
    const rs = server()
    let updated: unknown
    msw.use(
      http.get(R, () => HttpResponse.json(['b'])),
      http.get(`${R}/b`, () =>
        HttpResponse.json({
          _id: 'b',
          name: 'Album 7',
          description: 'summer 2026',
          icon_uri: 'https://photos.example/icon.png',
          resource_scopes: [{ name: 'view' }, { name: 'share' }],
        }),
      ),
      http.put(`${R}/b`, async ({ request }) => {
        updated = await request.json()
        return new HttpResponse(null, { status: 204 })
      }),
    )
    await expect(rs.resources.ensure(ALBUM)).resolves.toBe('b')
    expect(updated).toEqual({
      _id: 'b',
      name: 'Album 7',
      description: 'summer 2026',
      icon_uri: 'https://photos.example/icon.png',
      type: 'https://photos.example/album',
      resource_scopes: ['view', 'share', 'print'],
    })
    await rs.close()
  })

  it("finds an owner's resource among others of the same name, asking Keycloak by owner", async () => {
    const rs = server()
    const queries: string[] = []
    msw.use(
      http.get(R, ({ request }) => {
        queries.push(new URL(request.url).searchParams.get('owner') ?? '')
        return HttpResponse.json(['dave-1', 'alice-1'])
      }),
      http.get(`${R}/dave-1`, () =>
        HttpResponse.json({
          _id: 'dave-1',
          name: 'Album 7',
          owner: { id: 'u-dave', name: 'dave' },
          resource_scopes: ['view', 'print'],
        }),
      ),
      http.get(`${R}/alice-1`, () =>
        HttpResponse.json({
          _id: 'alice-1',
          name: 'Album 7',
          owner: { id: 'u-alice', name: 'alice' },
          resource_scopes: ['view', 'print'],
        }),
      ),
    )
    await expect(rs.resources.ensure({ ...ALBUM, owner: 'alice' })).resolves.toBe('alice-1')
    expect(queries).toEqual(['alice'])
    await rs.close()
  })

  it('refuses, rather than reading thousands or duplicating, when the AS ignores the name filter', async () => {
    const rs = server()
    let reads = 0
    const ids = Array.from({ length: 250 }, (_, i) => `r${i}`)
    msw.use(
      http.get(R, ({ request }) => {
        const first = Number(new URL(request.url).searchParams.get('first') ?? 0)
        return HttpResponse.json(ids.slice(first, first + 100))
      }),
      http.get(`${R}/:id`, ({ params }) => {
        reads += 1
        return HttpResponse.json({ _id: params.id, name: 'other', resource_scopes: ['view'] })
      }),
    )
    await expect(rs.resources.ensure(ALBUM)).rejects.toMatchObject({ code: 'conflict' })
    expect(reads).toBe(200)
    await rs.close()
  })

  it('throws a TypeError for a description without a name', async () => {
    const rs = server()
    await expect(rs.resources.ensure({ resource_scopes: ['view'] } as never)).rejects.toThrow(
      TypeError,
    )
    await rs.close()
  })
})
