#!/usr/bin/env python3
"""Regenerates docs/regulation/cac-2017-zh.md and src/law/articles-zh.ts from ../shared/regulation.

The Chinese text is quoted exactly. The rough English reference translation is deliberately not
copied: qungui writes its own English summaries (src/law/articles.ts).
"""
import json, re, sys, pathlib
root = pathlib.Path(__file__).resolve().parent.parent
src = (root.parent / 'shared/regulation/cac-2017-group-provisions.md').read_text(encoding='utf-8')
parts = re.split(r'^## Article (\d+)\s*$', src, flags=re.M)
arts = {}
for i in range(1, len(parts), 2):
    body = parts[i + 1]
    arts[int(parts[i])] = '\n'.join(l for l in body.strip().split('\n') if l.strip() and not l.startswith('>')).strip()
doc = ['# 互联网群组信息服务管理规定\n', '国家互联网信息办公室 2017年9月7日发布，自2017年10月8日起施行。\n',
       "This is the Chinese text of the regulation, quoted exactly; it is the law. qungui's own English summaries are in `src/law/articles.ts`.\n"]
for n in sorted(arts):
    doc.append(f'## 第{n}条 (Article {n})\n\n{arts[n]}\n')
(root / 'docs/regulation/cac-2017-zh.md').write_text('\n'.join(doc) + '\n', encoding='utf-8')
ts = ('// Written by scripts/extract-regulation.py (a maintainer tool), with docs/regulation/cac-2017-zh.md: the\n'
      "// project's copy of the regulation text. The Chinese text is the law and is quoted exactly; do not edit by hand.\n\n"
      '/** The Chinese text of each article of 互联网群组信息服务管理规定, by article number. */\n'
      'export const ARTICLE_TEXT_ZH: Readonly<Record<number, string>> = '
      + json.dumps({str(k): v for k, v in sorted(arts.items())}, ensure_ascii=False, indent=2) + ';\n')
(root / 'src/law/articles-zh.ts').write_text(ts, encoding='utf-8')
print(f'{len(arts)} articles', file=sys.stderr)
