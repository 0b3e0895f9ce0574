/**
 * A small, safe Markdown renderer: it builds React elements (never HTML strings), so nothing the model
 * writes can inject markup. Supports paragraphs, line breaks, headings, bullet and numbered lists,
 * block quotes, fenced code, inline code, bold, italics, strikethrough and http(s)/mailto links.
 */

import { memo, type ReactNode } from "react";

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

type Block =
  | { kind: "p"; text: string }
  | { kind: "h"; level: number; text: string }
  | { kind: "code"; text: string }
  | { kind: "quote"; text: string }
  | { kind: "ul" | "ol"; items: string[]; start: number };

export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = line.match(/^\s*(```|~~~)/);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++; // closing fence (or end of text while streaming)
      blocks.push({ kind: "code", text: body.join("\n") });
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      blocks.push({ kind: "h", level: heading[1].length, text: heading[2] });
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) body.push(lines[i++].replace(/^\s*>\s?/, ""));
      blocks.push({ kind: "quote", text: body.join("\n") });
      continue;
    }
    const bullet = /^\s*[-*+]\s+/;
    const numbered = /^\s*(\d{1,9})[.)]\s+/;
    if (bullet.test(line) || numbered.test(line)) {
      const ordered = numbered.test(line) && !bullet.test(line);
      const marker = ordered ? numbered : bullet;
      const start = ordered ? Number(line.match(numbered)![1]) : 1;
      const items: string[] = [];
      while (i < lines.length && lines[i].trim()) {
        if (marker.test(lines[i])) items.push(lines[i].replace(marker, ""));
        else if (items.length) items[items.length - 1] += `\n${lines[i].trim()}`;
        else break;
        i++;
      }
      blocks.push({ kind: ordered ? "ol" : "ul", items, start });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,6})\s|^\s*(```|~~~)|^\s*>|^\s*[-*+]\s+|^\s*\d{1,9}[.)]\s+/.test(lines[i])) {
      body.push(lines[i++]);
    }
    if (!body.length) body.push(lines[i++]);
    blocks.push({ kind: "p", text: body.join("\n") });
  }
  return blocks;
}

const INLINE = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n][\s\S]*?)\*\*|__([^_\n][\s\S]*?)__|~~([^~\n][\s\S]*?)~~|\*([^*\s][^*\n]*?)\*|(?<![\w])_([^_\s][^_\n]*?)_(?![\w])|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|\n/g;

export function renderInline(text: string, keyPrefix = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(INLINE)) {
    const index = m.index ?? 0;
    if (index > last) out.push(text.slice(last, index));
    const key = `${keyPrefix}${n++}`;
    if (m[1]) out.push(<code key={key}>{m[2]}</code>);
    else if (m[3] !== undefined) {
      const href = m[4];
      out.push(
        SAFE_URL.test(href) ? (
          <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {renderInline(m[3], `${key}-`)}
          </a>
        ) : (
          <span key={key}>{renderInline(m[3], `${key}-`)}</span>
        ),
      );
    } else if (m[5] !== undefined || m[6] !== undefined) out.push(<strong key={key}>{renderInline(m[5] ?? m[6], `${key}-`)}</strong>);
    else if (m[7] !== undefined) out.push(<del key={key}>{renderInline(m[7], `${key}-`)}</del>);
    else if (m[8] !== undefined || m[9] !== undefined) out.push(<em key={key}>{renderInline(m[8] ?? m[9], `${key}-`)}</em>);
    else if (m[10] !== undefined)
      out.push(
        <a key={key} href={m[10]} target="_blank" rel="noopener noreferrer nofollow">
          {m[10]}
        </a>,
      );
    else out.push(<br key={key} />);
    last = index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function Markdown({ text }: { text: string }) {
  const blocks = parseBlocks(text);
  return (
    <div className="md break-words">
      {blocks.map((b, i) => {
        switch (b.kind) {
          case "h": {
            const Tag = (b.level <= 2 ? "h3" : "h4") as "h3" | "h4";
            return <Tag key={i}>{renderInline(b.text, `b${i}-`)}</Tag>;
          }
          case "code":
            return (
              <pre key={i}>
                <code>{b.text}</code>
              </pre>
            );
          case "quote":
            return <blockquote key={i}>{renderInline(b.text, `b${i}-`)}</blockquote>;
          case "ul":
            return (
              <ul key={i}>
                {b.items.map((item, j) => (
                  <li key={j}>{renderInline(item, `b${i}-${j}-`)}</li>
                ))}
              </ul>
            );
          case "ol":
            return (
              <ol key={i} start={b.start}>
                {b.items.map((item, j) => (
                  <li key={j}>{renderInline(item, `b${i}-${j}-`)}</li>
                ))}
              </ol>
            );
          default:
            return <p key={i}>{renderInline(b.text, `b${i}-`)}</p>;
        }
      })}
    </div>
  );
}

export default memo(Markdown);
