/**
 * The docs folder and the rule set are held equal, every page has the fixed shape, its description matches
 * the rule's metadata, and its examples run: each `Incorrect` block must yield a finding of the rule, each
 * `Correct` block none. A block may be preceded by `<!-- config: {"options": {...}, "cluster": {...}} -->`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/rules/index.js';
import { runRule } from './helpers/rule-tester.js';

const DOCS = path.resolve(__dirname, '..', 'rules-docs');
const REQUIRED_SECTIONS = ['What it checks', 'Why it matters', 'Incorrect', 'Correct', 'Options', 'How to fix', 'Sources'];

interface Example {
  readonly section: string;
  readonly code: string;
  readonly config: { options?: Record<string, unknown>; cluster?: Record<string, unknown>; namespace?: string };
  readonly line: number;
}

function parsePage(text: string): { title: string; description: string; sections: string[]; examples: Example[] } {
  const lines = text.split('\n');
  const title = lines[0]?.replace(/^# /, '') ?? '';
  const description = (lines.find((l) => l.startsWith('> ')) ?? '').slice(2).trim();
  const sections: string[] = [];
  const examples: Example[] = [];
  let section = '';
  let pendingConfig: Example['config'] = {};
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const h = /^## (.+)$/.exec(l);
    if (h) {
      section = h[1]!.trim();
      sections.push(section);
      continue;
    }
    const c = /^<!-- config: (.*) -->$/.exec(l);
    if (c) {
      pendingConfig = JSON.parse(c[1]!) as Example['config'];
      continue;
    }
    if (/^```ya?ml\s*$/.test(l)) {
      const start = i + 1;
      let j = start;
      while (j < lines.length && !lines[j]!.startsWith('```')) j++;
      examples.push({ section, code: lines.slice(start, j).join('\n') + '\n', config: pendingConfig, line: start });
      pendingConfig = {};
      i = j;
    }
  }
  return { title, description, sections, examples };
}

const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md') && !f.startsWith('_') && f !== 'README.md');

describe('rules-docs', () => {
  it('has exactly one page per rule', () => {
    const ids = ALL_RULES.map((r) => r.meta.id).sort();
    expect(pages.map((p) => p.replace(/\.md$/, '')).sort()).toEqual(ids);
  });

  for (const rule of ALL_RULES) {
    const file = path.join(DOCS, `${rule.meta.id}.md`);
    describe(rule.meta.id, () => {
      const text = (() => {
        try {
          return readFileSync(file, 'utf8');
        } catch {
          return '';
        }
      })();
      const page = parsePage(text);

      it('has the fixed shape and the rule description', () => {
        expect(page.title).toBe(rule.meta.id);
        expect(page.description).toBe(rule.meta.description);
        for (const s of REQUIRED_SECTIONS) expect(page.sections, `section "${s}"`).toContain(s);
        expect(page.examples.filter((e) => e.section === 'Incorrect').length, 'Incorrect examples').toBeGreaterThan(0);
        expect(page.examples.filter((e) => e.section === 'Correct').length, 'Correct examples').toBeGreaterThan(0);
      });

      for (const ex of page.examples.filter((e) => e.section === 'Incorrect' || e.section === 'Correct')) {
        it(`${ex.section} example at line ${ex.line} ${ex.section === 'Incorrect' ? 'yields a finding' : 'yields no finding'}`, async () => {
          const { located } = await runRule(rule, { yaml: ex.code, options: ex.config.options, cluster: ex.config.cluster, namespace: ex.config.namespace });
          const own = located.filter((l) => l.ruleId === rule.meta.id);
          if (ex.section === 'Incorrect') expect(own.length).toBeGreaterThan(0);
          else expect(own.map((l) => `${l.region.startLine}: ${l.message}`)).toEqual([]);
        });
      }
    });
  }
});
