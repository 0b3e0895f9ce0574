/**
 * Which-one questions: the assistant asks which of several tasks the user means as a reply whose first line is
 * the question ("Which one do you mean:", or a translated line with a "?") followed by numbered lines
 * ("1. 'buy bread' (due tomorrow)", "2. …"). The model understands an answer by position, so an option is
 * answered by sending its number. This mirrors the embedded model's own rule for a follow-up
 * (`app/agent/local_model/planner.py`): a reply that merely contains a numbered list (a task list, help) is no
 * question and gets no buttons.
 */

/** One option of a which-one question. */
export interface Choice {
  /** Its position, 1-based: what is sent as the answer. */
  number: number;
  /** What the user sees: the option line without its number, Markdown escapes removed. */
  text: string;
}

const WHICH_ONE = /^which one do you mean\s*:/i;
const OPTION = /^\s*(\d{1,2})[.)]\s+(\S.*?)\s*$/;
const MAX_CHOICES = 9;

/**
 * Undo the Markdown escapes the server puts in titles so they show as data (`escape_markdown` in `app/text.py`,
 * e.g. `buy\_bread`): a button shows plain text.
 */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_[\]<>~|#])/g, "$1");
}

/** Is the first line a question the model follows up on? */
function isQuestion(firstLine: string): boolean {
  return WHICH_ONE.test(firstLine.trim()) || firstLine.includes("?");
}

/**
 * The options of a which-one question, or `[]` when the reply is not one. Options are the numbered lines right
 * after the question, numbered 1, 2, 3… without gaps; at least two of them.
 */
export function parseChoices(reply: string): Choice[] {
  const lines = reply.replace(/\r\n?/g, "\n").split("\n");
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0 || !isQuestion(lines[first])) return [];
  const choices: Choice[] = [];
  for (const line of lines.slice(first + 1)) {
    const match = OPTION.exec(line);
    if (!match) break;
    const number = Number(match[1]);
    if (number !== choices.length + 1) return [];
    choices.push({ number, text: unescapeMarkdown(match[2]) });
  }
  return choices.length >= 2 && choices.length <= MAX_CHOICES ? choices : [];
}

/** What is sent when an option is chosen: its position, which the model understands. */
export function choiceAnswer(choice: Choice): string {
  return String(choice.number);
}
