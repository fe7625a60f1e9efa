/**
 * Formula counters: a small arithmetic language over counter keys, parsed once and evaluated after each
 * collection — no `eval`. Grammar: `expr := term (("+"|"-") term)*`, `term := unary (("*"|"/") unary)*`,
 * `unary := "-" unary | primary`, `primary := number | key | "[" any key "]" | "(" expr ")"`. Bare keys
 * are letters, digits, `_` and `.` starting with a letter (`mem.used`, `cpu.0.busy_pct`); keys with other
 * characters are bracketed (`[fs./.used]`). A missing counter, a division by zero or a non-finite result
 * gives no value.
 * @module
 */

type Node =
  | { op: "num"; value: number }
  | { op: "key"; key: string }
  | { op: "neg"; arg: Node }
  | { op: "+" | "-" | "*" | "/"; left: Node; right: Node };

/** A compiled formula. */
export interface Formula {
  /** Counter keys the formula reads. */
  readonly keys: string[];
  /** The value, or undefined when an input is missing, a divisor is zero or the result is not finite. */
  evaluate(lookup: (key: string) => number | undefined): number | undefined;
}

const MAX_LENGTH = 2000;
const MAX_DEPTH = 64;

class Parser {
  pos = 0;
  depth = 0;
  keys = new Set<string>();
  constructor(readonly text: string) {}

  fail(why: string): never {
    throw new SyntaxError(`Cannot parse formula "${this.text}": ${why} at position ${this.pos}`);
  }
  skip(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }
  peek(): string {
    this.skip();
    return this.text[this.pos] ?? "";
  }
  expr(): Node {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    let left = this.term();
    for (let c = this.peek(); c === "+" || c === "-"; c = this.peek()) {
      this.pos++;
      left = { op: c, left, right: this.term() };
    }
    this.depth--;
    return left;
  }
  term(): Node {
    let left = this.unary();
    for (let c = this.peek(); c === "*" || c === "/"; c = this.peek()) {
      this.pos++;
      left = { op: c, left, right: this.unary() };
    }
    return left;
  }
  unary(): Node {
    if (this.peek() === "-") {
      this.pos++;
      if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
      const arg = this.unary();
      this.depth--;
      return { op: "neg", arg };
    }
    return this.primary();
  }
  primary(): Node {
    const c = this.peek();
    const rest = this.text.slice(this.pos);
    if (c === "(") {
      this.pos++;
      const inner = this.expr();
      if (this.peek() !== ")") this.fail('expected ")"');
      this.pos++;
      return inner;
    }
    if (c === "[") {
      const end = this.text.indexOf("]", this.pos);
      if (end < 0) this.fail('expected "]"');
      const key = this.text.slice(this.pos + 1, end).trim();
      if (key === "") this.fail("empty counter key");
      this.pos = end + 1;
      this.keys.add(key);
      return { op: "key", key };
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return { op: "num", value: Number(num[0]) };
    }
    const key = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (key) {
      if (key[0].endsWith(".")) this.fail(`counter key "${key[0]}" ends with "."`);
      this.pos += key[0].length;
      this.keys.add(key[0]);
      return { op: "key", key: key[0] };
    }
    return this.fail(c === "" ? "unexpected end" : `unexpected "${c}"`);
  }
}

function evaluate(node: Node, lookup: (key: string) => number | undefined): number | undefined {
  switch (node.op) {
    case "num":
      return node.value;
    case "key":
      return lookup(node.key);
    case "neg": {
      const v = evaluate(node.arg, lookup);
      return v === undefined ? undefined : -v;
    }
    default: {
      const a = evaluate(node.left, lookup);
      const b = evaluate(node.right, lookup);
      if (a === undefined || b === undefined) return undefined;
      if (node.op === "/") return b === 0 ? undefined : a / b;
      return node.op === "+" ? a + b : node.op === "-" ? a - b : a * b;
    }
  }
}

/**
 * Parses a formula.
 * @throws {SyntaxError} naming the formula and the position of the problem.
 */
export function compileFormula(text: string): Formula {
  if (text.length > MAX_LENGTH) {
    throw new SyntaxError(`Cannot parse formula: longer than ${MAX_LENGTH} characters (${text.length})`);
  }
  const p = new Parser(text);
  const root = p.expr();
  if (p.peek() !== "") p.fail(`unexpected "${p.peek()}"`);
  return {
    keys: [...p.keys],
    evaluate(lookup) {
      const v = evaluate(root, lookup);
      return v !== undefined && Number.isFinite(v) ? v : undefined;
    },
  };
}
