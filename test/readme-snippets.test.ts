/**
 * README code must be copied from tested code: every fenced block preceded by
 * `<!-- tested: <path> -->` must appear, line for line (indentation aside), in that file. And
 * every TypeScript or JavaScript block of a README is such a block, and starts with its imports,
 * so that a user never has to guess a package's name.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')

function readmes(): string[] {
  const found = ['README.md']
  for (const dir of ['packages', 'examples']) {
    if (!existsSync(join(root, dir))) continue
    for (const name of readdirSync(join(root, dir))) {
      const file = join(dir, name, 'README.md')
      if (existsSync(join(root, file))) found.push(file)
    }
  }
  return found.filter((file) => existsSync(join(root, file)))
}

interface Snippet {
  readme: string
  source: string
  code: string
}

function snippets(readme: string): Snippet[] {
  const text = readFileSync(join(root, readme), 'utf8')
  const pattern = /<!-- tested: (\S+) -->\s*\n```\w*\n([\s\S]*?)\n```/g
  return [...text.matchAll(pattern)].map((m) => ({ readme, source: m[1]!, code: m[2]! }))
}

const normalise = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n')

const all = readmes().flatMap(snippets)

interface CodeBlock {
  readme: string
  code: string
  tested: boolean
}

/** Every ts/js block, indented ones (inside list items) too. */
function codeBlocks(readme: string): CodeBlock[] {
  const text = readFileSync(join(root, readme), 'utf8')
  const pattern =
    /(<!-- tested: \S+ -->\s*\n)?( *)```(?:ts|js|typescript|javascript|mjs)\n([\s\S]*?)\n\2```/g
  return [...text.matchAll(pattern)].map((m) => ({
    readme,
    code: m[3]!,
    tested: m[1] !== undefined,
  }))
}

const blocks = readmes().flatMap(codeBlocks)

describe('README snippets', () => {
  it('finds tested snippets', () => {
    expect(all.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((b) => [`${b.readme}: ${b.code.split('\n')[0]!.trim()}`, b] as const))(
    'a tested block that starts with its imports: %s',
    (_name, block) => {
      expect(block.tested).toBe(true)
      const first = block.code
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line !== '' && !line.startsWith('//'))
      expect(first).toMatch(/^import /)
    },
  )

  it.each(all.map((s) => [`${s.readme} ← ${s.source}: ${s.code.split('\n')[0]!}`, s] as const))(
    '%s',
    (_name, snippet) => {
      const source = readFileSync(join(root, snippet.source), 'utf8')
      expect(normalise(source)).toContain(normalise(snippet.code))
    },
  )
})
