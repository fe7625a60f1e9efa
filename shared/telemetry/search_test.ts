import { assertEquals } from "../../tests/helpers/assert.ts";
import { MAX_WORD, searchDocument, searchQuery, searchWords } from "./search.ts";

Deno.test("search words are lower-cased runs of letters and digits, each once", () => {
  assertEquals(searchWords(["GET /api/Item?id=42", "api ITEM", "Zürich_日本 x"]), [
    "get",
    "api",
    "item",
    "id",
    "42",
    "zürich",
    "日本",
    "x",
  ]);
  assertEquals(searchWords(["", "--", "  "]), []);
  const long = "é".repeat(MAX_WORD + 50);
  assertEquals(searchWords([long]), ["é".repeat(MAX_WORD)]);
});

Deno.test("the document and the query are literals PostgreSQL reads without parsing text", () => {
  assertEquals(searchDocument(["GET /api", "user-42"]), "'get' 'api' 'user' '42'");
  assertEquals(searchQuery("Api  ite"), "'api':* & 'ite':*");
  assertEquals(searchQuery("!!"), undefined);
  assertEquals(searchQuery(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" "))?.split(" & ").length, 16);
});
