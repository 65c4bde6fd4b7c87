import { PHOTOS_CONFIG_URL, loadConfig } from '@uma-kit/dev-server'
import { createDemoLog, runPhotoScenario } from '@uma-kit/example-photos'
import { describe, expect, it } from 'vitest'

describe('the photo scenario end to end', () => {
  it.each(['spec', 'keycloak'] as const)(
    'runs as the specs describe against the %s wire shape',
    async (mode) => {
      const lines: string[] = []
      const log = createDemoLog((line) => lines.push(line), false)
      const { failures } = await runPhotoScenario({ mode, log })
      expect(failures).toEqual([])
      const text = lines.join('\n')
      expect(text).toContain('UMA challenge, ticket')
      expect(text).toContain("alice approved bob-app's request to print photo.jpg")
      expect(text).toContain('RPT issued to bob-app for photo.jpg [print view] (upgraded)')
      expect(text).toContain('Carol is refused (request_denied)')
      if (mode === 'spec') {
        expect(text).toContain('need_info, asks for email')
        expect(text).toContain('request_submitted, poll every 1 s')
      } else {
        expect(text).toContain('access_denied, request_submitted')
      }
      // the log is a tutorial: it never shows a whole token
      expect(text).not.toMatch(/eyJ[\w-]{20,}\.[\w-]+\.[\w-]+/)
    },
  )

  it('fails loudly when a step deviates: here the policies let Carol in', async () => {
    const photos = await loadConfig(PHOTOS_CONFIG_URL)
    const policy = photos.policies['photo.jpg']
    if (policy === undefined) throw new Error('no photo.jpg policy')
    const config = {
      ...photos,
      policies: {
        'photo.jpg': {
          ...policy,
          scopes: { ...policy.scopes, view: { 'bob-app': {}, 'carol-app': {} } },
        },
      },
    }
    const lines: string[] = []
    const { failures } = await runPhotoScenario({
      log: createDemoLog((line) => lines.push(line), false),
      config,
    })
    expect(failures).toEqual(['Carol should have been refused, got 200'])
    expect(lines.join('\n')).toContain('✘ Carol should have been refused, got 200')
  })
})
