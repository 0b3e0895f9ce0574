import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import Markdown, { parseBlocks } from "@/components/Markdown";

afterEach(cleanup);

describe("Markdown", () => {
  it("renders the usual formatting", () => {
    const { container } = render(<Markdown text={"# Title\nSome **bold**, *it*, `code` and [a link](https://example.com).\n\n- one\n- two\n\n1. first\n2. second\n\n```\nx < y\n```"} />);
    expect(container.querySelector("h3")?.textContent).toBe("Title");
    expect(container.querySelector("strong")?.textContent).toBe("bold");
    expect(container.querySelector("em")?.textContent).toBe("it");
    expect(container.querySelector("p code")?.textContent).toBe("code");
    const a = container.querySelector("a")!;
    expect(a.getAttribute("href")).toBe("https://example.com");
    expect(a.getAttribute("rel")).toContain("noopener");
    expect(container.querySelectorAll("ul li")).toHaveLength(2);
    expect(container.querySelectorAll("ol li")).toHaveLength(2);
    expect(container.querySelector("pre")?.textContent).toBe("x < y");
  });

  it("never injects HTML and drops unsafe link targets", () => {
    const { container } = render(<Markdown text={'<img src=x onerror="alert(1)"> <script>alert(2)</script> [click](javascript:alert(3))'} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(container.querySelector("a")).toBeNull();
    expect(container.textContent).toContain("<img src=x");
  });

  it("copes with half-written markdown while streaming", () => {
    expect(() => parseBlocks("```js\nconst a = 1")).not.toThrow();
    const { container } = render(<Markdown text={"**unfinished bold"} />);
    expect(container.textContent).toBe("**unfinished bold");
  });
});
