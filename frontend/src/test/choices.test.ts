import { describe, expect, it } from "vitest";
import { choiceAnswer, parseChoices } from "@/lib/chat/choices";

const WHICH =
  "Which one do you mean:\n1. 'buy bread' (due tomorrow)\n2. 'buy bread' (due Fri, Dec 4)\n" +
  'Several tasks match, so tell me which one: its position (for example "the second one" or "2") or more of its title.';

describe("parseChoices", () => {
  it("reads the embedded model's which-one question", () => {
    expect(parseChoices(WHICH)).toEqual([
      { number: 1, text: "'buy bread' (due tomorrow)" },
      { number: 2, text: "'buy bread' (due Fri, Dec 4)" },
    ]);
  });

  it("reads a translated question (a first line with a question mark) and Windows line ends", () => {
    const es = "¿Cuál de estas quieres decir? 1. 'pan' (high); 2. 'pan' (low). Responde con el número.\r\n1. 'pan' (high)\r\n2. 'pan' (low)";
    expect(parseChoices(es).map((c) => c.text)).toEqual(["'pan' (high)", "'pan' (low)"]);
  });

  it("removes Markdown escapes from the titles and keeps three or more options in order", () => {
    const reply = "Which one do you mean:\n1. 'fix\\_bug \\#2' (high)\n2. 'fix\\_bug \\#2' (#work)\n3. 'fix\\_bug \\#2' (done)";
    expect(parseChoices(reply)).toEqual([
      { number: 1, text: "'fix_bug #2' (high)" },
      { number: 2, text: "'fix_bug #2' (#work)" },
      { number: 3, text: "'fix_bug #2' (done)" },
    ]);
  });

  it("gives no options for a reply that only contains a numbered list", () => {
    expect(parseChoices("You have 2 tasks:\n1. buy bread (due tomorrow)\n2. call mom")).toEqual([]);
    expect(parseChoices("Here's how:\n1. open the list\n2. tick the box\nAnything else?")).toEqual([]);
  });

  it("gives no options for questions without a numbered list, with one option, or with broken numbering", () => {
    expect(parseChoices("Are you sure you want to delete all 3 tasks? Reply \"yes\" to confirm.")).toEqual([]);
    expect(parseChoices("Which one do you mean:\n1. 'a' (high)")).toEqual([]);
    expect(parseChoices("Which one do you mean:\n1. 'a' (high)\n3. 'a' (low)")).toEqual([]);
    expect(parseChoices("Which one do you mean:\n2. 'a' (high)\n3. 'a' (low)")).toEqual([]);
    expect(parseChoices("")).toEqual([]);
  });

  it("takes only the numbered lines right after the question", () => {
    const reply = "Which one do you mean:\n1. 'a' (high)\n2. 'a' (low)\nOr say more:\n3. not an option";
    expect(parseChoices(reply).map((c) => c.number)).toEqual([1, 2]);
  });
});

describe("choiceAnswer", () => {
  it("answers with the option's position, which the model understands", () => {
    expect(choiceAnswer({ number: 2, text: "'buy bread' (due Fri, Dec 4)" })).toBe("2");
  });
});
