import { describe, expect, it } from "vitest";
import { DEFAULT_FILTERS, filtersFromSearch, filtersToSearch, withSort } from "@/lib/filters";
import { ApiError } from "@/lib/http";
import { checkSignUp, checkTask, formMessage, serverFieldErrors } from "@/lib/validation";

describe("validation with the server's rules", () => {
  it("checks sign-up fields in words", () => {
    expect(checkSignUp({ email: "ada@", password: "short", name: "" })).toEqual({
      email: "Enter a valid email address, like name@example.com.",
      password: "Use at least 8 characters.",
    });
    expect(checkSignUp({ email: "ada@example.com", password: "correct horse", name: "" })).toEqual({});
  });

  it("checks tasks", () => {
    expect(checkTask({ title: "  " }).title).toBe("Give the task a title.");
    expect(checkTask({ title: "x".repeat(201) }).title).toMatch(/under 201/);
    expect(checkTask({ title: "ok", tags: ["sun!"] }).tags).toMatch(/not a tag/);
    expect(checkTask({ title: "ok", tags: ["home", "x-y/z"] })).toEqual({});
  });

  it("maps the server's field errors to their fields in human words", () => {
    const err = new ApiError(422, "validation_error", "The request has invalid fields.", { password: "String should have at least 8 characters", "tags.0": "Value error, tag 'a b' must be one word" });
    expect(serverFieldErrors(err)).toEqual({ password: "Use at least 8 characters.", tags: "Tag 'a b' must be one word." });
    expect(formMessage(err, "x")).toBe("Please correct the highlighted fields.");
    expect(serverFieldErrors(new ApiError(409, "email_taken", "An account with this email already exists.")).email).toMatch(/already exists/);
  });
});

describe("filters in the URL", () => {
  it("round-trips, omitting defaults and the natural direction", () => {
    const f = { ...withSort(DEFAULT_FILTERS, "due"), status: "all" as const, tag: "home" };
    expect(filtersToSearch(f)).toBe("?status=all&tag=home&sort=due");
    expect(filtersFromSearch("?status=all&tag=home&sort=due")).toEqual(f);
    expect(filtersToSearch(DEFAULT_FILTERS)).toBe("");
    expect(filtersFromSearch("?sort=due&order=desc").order).toBe("desc");
  });

  it("gives each sort its natural direction and ignores junk", () => {
    expect(withSort(DEFAULT_FILTERS, "due").order).toBe("asc");
    expect(withSort(DEFAULT_FILTERS, "created").order).toBe("desc");
    expect(withSort(DEFAULT_FILTERS, "priority").order).toBe("desc");
    expect(withSort(DEFAULT_FILTERS, "title").order).toBe("asc");
    expect(filtersFromSearch("?status=nope&sort=evil&priority=urgent&due=yesterday")).toEqual(DEFAULT_FILTERS);
  });
});
