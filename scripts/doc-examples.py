#!/usr/bin/env python3
"""Compiles the documentation's code examples.

Every ```swift block of a module's documentation -- the DocC comments (`///`) of the `.swift`
files under `Sources/MODULE` and the Markdown files there (its `MODULE.docc` articles) -- is
written into one Swift test file per module (`Tests/MODULETests/DocExamples/DocExamples.swift`),
which the test build compiles: a renamed symbol in an example breaks `swift build --build-tests`.

    scripts/doc-examples.py               regenerate every module's file
    scripts/doc-examples.py --check       exit 1 when a committed file is stale (nothing written)
    scripts/doc-examples.py --print NAME  write module NAME's file to standard output

Where a block goes (decided by its unindented lines):
  - only type declarations (`struct`, `enum`, `class`, `actor`, `protocol`, `extension`):
    at file scope, shared by the module's other examples (an article's record type);
  - only `static` members: inside a caseless `enum` of its own;
  - anything else: the body of its own function, `example_PATH_N(...)`, where PATH is the
    file's path under the module and N the block's number in that file.

Context values. A module declares a fixed set of named values (MODULES below, provided by the
hand-written `DocContext.swift` beside the generated file). A block's function takes, as
parameters, the values the block uses without declaring the name itself (`let store = …`,
`{ txn in …` or a local function's parameter make the name the block's own in that scope), so
fragments such as `try txn.get(…)` compile.

Running. A block's function is also run by a test (with a fresh context each time) unless the
line before the block is the HTML comment `<!-- doc-example: compile-only -->` (DocC does not
render HTML comments). A line `<!-- doc-example: sets up NAME -->` marks the block that
prepares context value NAME: it becomes `setUpExampleNAME(…)` (taking the values it uses),
which DocContext calls to make NAME, and it is not run on its own. While a block runs,
`print` records instead of writing, and a `print(…)` line with a trailing `// text` comment,
at the top of the block or directly inside a top-level `do`, `catch`, `if` or `else`, checks
that it printed exactly `text` (`text…` checks a prefix); each such line must run once.
Examples must compile without warnings: print or return what they bind.

Inline code in a DocC comment or an article that reads like a statement (`` `let n = try …` ``)
is refused: examples belong in ```swift blocks, where they are compiled.

The generated file also holds a test that runs `scripts/doc-examples.py --print NAME` and fails
when the committed file differs ("run scripts/doc-examples.py"), so an example added or edited
without regenerating fails `swift test`.

A module's `exclude` lists files whose examples are not compiled yet (each must have some):
their blocks are skipped, and counted in the generated file's header. The list is meant to
shrink to nothing. A module with `testable` imports itself `@testable`, for examples of its
internal API.

To cover another module (HosoDomain, HosoShell): add it to MODULES with its context values,
and write `Tests/MODULETests/DocExamples/DocContext.swift`, the class the generated code
calls: `init() throws`, one `get throws` property per value that has an `expression`
(`c.NAME`), `close()` to remove what it made, and a call of `setUpExampleNAME(…)` where an
article's block sets a value up. Then run this script, build, and fix the examples the
compiler and the tests reject. Tests/HosoStoreTests/DocExamples/DocContext.swift is an
example; the value types may be the module's own (a record type of an article, say).

Python 3 standard library only.
"""

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = "scripts/doc-examples.py"


@dataclass
class Value:
    """A context value: `name: type`, obtained from the DocContext `c` by `expression`, or,
    for values lent only inside a closure (transactions), by `wrapper` around the call (◊)."""
    name: str
    type: str
    doc: str
    expression: str = ""
    wrapper: str = ""


@dataclass
class Module:
    name: str
    values: list
    imports: list = field(default_factory=list)
    exclude: list = field(default_factory=list)     # files (under the module) not compiled yet
    testable: bool = False                          # `@testable import`: examples of internal API

    @property
    def sources(self):
        return f"Sources/{self.name}"

    @property
    def output(self):
        return f"Tests/{self.name}Tests/DocExamples/DocExamples.swift"


MODULES = [
    Module("LMDB", [
        Value("directory", "String", "an empty directory of its own", "c.directory"),
        Value("env", "Environment", "an environment in a directory of its own", "c.env"),
        Value("db", "Database", "database `notes` of `env` as GettingStarted.md fills it: apple → 1, apricot → 2, banana → 3", "c.db"),
        Value("key", "[UInt8]", "a key `db` does not hold (\"cherry\")", "c.key"),
        Value("value", "[UInt8]", "a value (\"4\")", "c.value"),
        Value("txn", "borrowing WriteTransaction", "the write transaction of `env`", wrapper="try c.env.write { txn in ◊ }"),
    ]),
    Module("HosoStore", [
        Value("directory", "String", "an empty directory of its own", "c.directory"),
        Value("store", "Store", "a store in a directory of its own, its clock on 2025-07-15 (holding `tenant` when the example uses it too)", "c.store"),
        Value("schema", "Schema", "`Schema([Note.schema])`, `Note` being the record type of GettingStarted.md", "c.schema"),
        Value("tenant", "Tenant", "tenant `notes` of `store`, holding the notes GettingStarted.md writes", "c.tenant"),
        Value("note", "Note", "a note `tenant` does not hold (id 4, by ben, tagged todo, written on 2025-07-15)", "c.note"),
        Value("txn", "borrowing TenantReader", "a read transaction of `tenant`", wrapper="try c.tenant.read { txn in ◊ }"),
    ]),
    Module("HosoDomain", [
        Value("directory", "String", "an empty directory of its own", "c.directory"),
        Value("store", "Store", "a store in a directory of its own, its clock on 2025-12-10 (holding `program` when the example uses both)", "c.store"),
        Value("program", "ProgramTenant", "tenant `lang-son` of `store` (Lạng Sơn, province 20), as GettingStarted.md creates it: no persons or events yet", "c.program"),
        Value("congSon", "CommuneRef", "the first commune of `program`", "c.congSon"),
        Value("day", "Day", "2025-12-10, the clock's day", "c.day"),
        Value("langSon", "ReportingCalendar", "Lạng Sơn's reporting calendar: the year from 10 December, months from day 10", "c.langSon"),
        Value("police", "ReportingCalendar", "a calendar of Gregorian years with months from day 15", "c.police"),
        Value("data", "SyntheticProvince", "a synthetic Lạng Sơn of 10 persons and 20 case events (seed 2025)", "c.data"),
        Value("q", "borrowing ProgramSnapshot", "a snapshot of `program`", wrapper="try c.program.read { q in ◊ }"),
    ], testable=True),
    Module("HosoReports", [
        Value("store", "Store", "a store in a directory of its own, its clock on 2026-01-15, holding tenant `demo`: a synthetic Lạng Sơn of 300 persons and 1,500 events, Lạng Sơn's calendar", "c.store"),
        Value("program", "ProgramTenant", "tenant `demo` of `store`", "c.program"),
        Value("directory", "String", "an empty directory of its own", "c.directory"),
    ], imports=["HosoDomain"], testable=True),
    Module("HosoShell", [
        Value("store", "Store", "a store in a directory of its own, its clock on 2026-03-15, holding tenant `demo`: a synthetic Lạng Sơn of 40 persons and 200 events", "c.store"),
        Value("session", "ShellSession", "a session on tenant `demo` of `store`, its output discarded", "c.session"),
        Value("context", "QueryContext", "the query context of `session`", "c.context"),
        Value("day", "Day", "2026-03-15, the clock's day", "c.day"),
    ], imports=["HosoDomain"], testable=True, exclude=[
    ]),
]

MARKER = re.compile(r"^<!--\s*doc-example:\s*(.*?)\s*-->$")
FENCE = re.compile(r"^(\s*)(`{3,})(.*)$")
DECLARATION = re.compile(r"^(@\w+(\(.*\))?\s+)*((public|package|internal|fileprivate|private|final|indirect)\s+)*"
                         r"(struct|enum|class|actor|protocol|extension)\b")
STATEMENT_BLOCK = re.compile(r"^(do|\} catch|catch|if|\} else|else|guard)\b.*\{\s*$")
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
INLINE_STATEMENT = re.compile(r"^(let|var|try|await|for|if let|guard)\s|=\s*try\b")


class DocError(Exception):
    pass


@dataclass
class Block:
    path: str            # relative to the module's source directory
    line: int            # 1-based line of the opening fence in the file
    number: int          # 1-based index of the block in its file
    code: list           # lines, dedented
    marker: str = ""     # "", "compile-only" or "sets up NAME"

    @property
    def label(self):
        return f"{self.path}, example {self.number}"

    @property
    def identifier(self):
        stem = re.sub(r"\.(swift|md)$", "", self.path)
        return re.sub(r"[^A-Za-z0-9]", "_", stem) + f"_{self.number}"


# MARK: Extraction

def doc_lines(path, text):
    """(line number, text) of the documentation of a file: for Swift the `///` comment lines
    with the marker stripped (other lines as None, ending a comment), for Markdown every line."""
    lines = text.split("\n")
    if path.endswith(".md"):
        return [(i + 1, line) for i, line in enumerate(lines)]
    out = []
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("///") and not stripped.startswith("////"):
            content = stripped[3:]
            out.append((i + 1, content[1:] if content.startswith(" ") else content))
        else:
            out.append((i + 1, None))
    return out


def dedent(lines):
    indents = [len(l) - len(l.lstrip()) for l in lines if l.strip()]
    cut = min(indents) if indents else 0
    return [l[cut:].rstrip() for l in lines]


def extract(module_dir, relpath, errors):
    with open(os.path.join(module_dir, relpath), encoding="utf-8") as f:
        text = f.read()
    lines = doc_lines(relpath, text)
    blocks = []
    previous = None     # the last non-blank documentation line before a fence
    i = 0
    while i < len(lines):
        number, line = lines[i]
        if line is None:
            previous = None
            i += 1
            continue
        fence = FENCE.match(line)
        if not fence:
            for span in INLINE_CODE.findall(line):
                if INLINE_STATEMENT.search(span.strip()):
                    errors.append(f"{relpath}:{number}: an inline example is not compiled: `{span}`; "
                                  "put it in a ```swift block")
            if line.strip():
                previous = line.strip()
            i += 1
            continue
        indent, ticks, info = fence.group(1), fence.group(2), fence.group(3).strip()
        body = []
        i += 1
        closed = False
        while i < len(lines):
            n2, l2 = lines[i]
            if l2 is None:
                break
            if l2.strip() == ticks or (l2.strip().startswith(ticks) and not l2.strip()[len(ticks):].strip()):
                closed = True
                i += 1
                break
            body.append(l2[len(indent):] if l2.startswith(indent) else l2.lstrip())
            i += 1
        if not closed:
            errors.append(f"{relpath}:{number}: code block not closed")
            continue
        marker = ""
        m = MARKER.match(previous or "")
        if m:
            marker = m.group(1)
            if marker != "compile-only" and not re.fullmatch(r"sets up \w+", marker):
                errors.append(f"{relpath}:{number}: unknown marker '{marker}' "
                              "(doc-example: compile-only, or sets up NAME)")
        previous = None
        language = info.split(",")[0].strip()
        if language == "":
            errors.append(f"{relpath}:{number}: code block without a language: "
                          "```swift to compile it, ```text (or ```sh, …) for anything else")
            continue
        if language != "swift":
            if marker:
                errors.append(f"{relpath}:{number}: a doc-example marker before a ```{language} block")
            continue
        blocks.append(Block(relpath, number, len(blocks) + 1, dedent(body), marker))
    return blocks


def module_blocks(module, errors, excluded=None):
    """The blocks of the module's files, but those of its `exclude` list: their blocks are
    only counted (in `excluded`, when given)."""
    module_dir = os.path.join(ROOT, module.sources)
    paths = []
    for dirpath, dirnames, filenames in os.walk(module_dir):
        dirnames.sort()
        for name in filenames:
            if name.endswith(".swift") or name.endswith(".md"):
                paths.append(os.path.relpath(os.path.join(dirpath, name), module_dir))
    for relpath in module.exclude:
        if relpath not in paths:
            errors.append(f"{relpath}: excluded, but there is no such file")
    blocks = []
    for relpath in sorted(paths):
        found = extract(module_dir, relpath, errors if relpath not in module.exclude else [])
        if relpath in module.exclude:
            if excluded is not None:
                excluded[relpath] = len(found)
            if not found:
                errors.append(f"{relpath}: excluded, but it has no ```swift block; remove it from the exclude list")
            continue
        blocks += found
    return blocks


# MARK: Reading Swift (just enough)

def code_only(lines):
    """The block's code with comments removed and the literal parts of strings blanked
    (interpolations kept), for finding the names and keywords it uses."""
    text = "\n".join(lines)
    out = []
    i, n = 0, len(text)
    stack = []          # "code" inside an interpolation, or the string's quote
    while i < n:
        c = text[i]
        inside_string = stack and stack[-1] != "("
        if inside_string:
            quote = stack[-1]
            if text.startswith("\\(", i):
                stack.append("(")
                out.append(" (")
                i += 2
            elif c == "\\":
                out.append("  ")
                i += 2
            elif text.startswith(quote, i):
                stack.pop()
                out.append(quote)
                i += len(quote)
            else:
                out.append("\n" if c == "\n" else " ")
                i += 1
            continue
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
            continue
        if text.startswith('"""', i):
            stack.append('"""')
            out.append('"""')
            i += 3
            continue
        if c == '"':
            stack.append('"')
            out.append('"')
            i += 1
            continue
        if stack and c == "(":
            stack.append("(")
        elif stack and c == ")":
            stack.pop()
        out.append(c)
        i += 1
    return "".join(out)


def free_names(code, names):
    """The names of `names` that `code` uses without declaring them itself: outside every
    scope that binds them (`let`/`var`/`for`/`case let`, a closure's `x in`, the parameters
    of a local `func`), not as a member (`.name`) and not as an argument label (`name:`)."""
    scopes = [set()]
    pending = set()          # a local func's parameters, bound in the scope its `{` opens
    free = set()
    for m in re.finditer(r"[A-Za-z_]\w*|[{}]", code):
        token, before, after = m.group(0), code[:m.start()], code[m.end():]
        if token == "{":
            scope = set(pending)
            pending = set()
            params = re.match(r"\s*(\[[^\]]*\]\s*)?\(?([\w\s,]*?)\)?\s*(throws\s*)?in\b", after)
            if params:
                scope |= set(re.findall(r"\w+", params.group(2))) - {"_"}
            scopes.append(scope)
            continue
        if token == "}":
            if len(scopes) > 1:
                scopes.pop()
            continue
        if token == "func":
            header = re.match(r"\s*\w+\s*(<[^>]*>)?\s*\(", after)
            if header:
                depth, i, start = 1, header.end(), header.end()
                while i < len(after) and depth:
                    depth += {"(": 1, ")": -1}.get(after[i], 0)
                    i += 1
                parts, depth, current = [], 0, ""
                for ch in after[start:i - 1]:
                    depth += {"(": 1, "[": 1, "<": 1, ")": -1, "]": -1, ">": -1}.get(ch, 0)
                    if ch == "," and depth == 0:
                        parts.append(current)
                        current = ""
                    else:
                        current += ch
                parts.append(current)
                for part in parts:
                    words = re.findall(r"\w+", part.split(":")[0])
                    if words and ":" in part:
                        pending.add(words[-1])
            continue
        if token not in names or re.search(r"[.$`]\s*$", before):
            continue
        if re.match(r"\s*:(?!:)", after):
            continue        # an argument label, or a parameter (handled with its `func`)
        if re.search(r"\b(let|var|for(\s+try)?(\s+await)?|case\s+let|case\s+var)\s+$", before) or re.search(r"\b(let|var)\s*\([^()=]*$", before):
            scopes[-1].add(token)
            continue
        if not any(token in scope for scope in scopes):
            free.add(token)
    return free


def placement(code_lines):
    top = [l for l in code_lines if l.strip() and not l.startswith((" ", "\t")) and not l.startswith("//")]
    top = [l for l in top if not l.startswith("}")]
    if top and all(DECLARATION.match(l) for l in top):
        return "file"
    if top and all(re.match(r"^(@\w+\s+)*static\s", l) for l in top):
        return "members"
    return "function"


def trailing_comment(line):
    """(the code, the text) of a line with a trailing `//` comment outside strings, or None.
    `code_only` keeps the positions of what precedes a comment, so the comment starts where
    its result ends."""
    cut = len(code_only([line]))
    if not line.startswith("//", cut) or not line[:cut].strip():
        return None
    return line[:cut].rstrip(), line[cut + 2:].strip()


def checked_prints(code_lines):
    """Indexes and expected texts of the lines whose printed output is checked."""
    checks = []
    opener = None
    for i, line in enumerate(code_lines):
        if line.strip() and not line.startswith((" ", "\t")):
            opener = line
        indent = len(line) - len(line.lstrip())
        if not line.lstrip().startswith("print("):
            continue
        if indent != 0 and not (indent == 4 and opener and STATEMENT_BLOCK.match(opener)):
            continue
        found = trailing_comment(line)
        if found is None:
            continue
        code, expected = found
        if code.count("(") != code.count(")"):
            continue
        checks.append((i, code.strip(), expected))
    return checks


# MARK: Writing the test file

def swift_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def indent(lines, by="    "):
    return [by + l if l.strip() else "" for l in lines]


def generate(module, errors):
    excluded = {}
    blocks = module_blocks(module, errors, excluded)
    values = {v.name: v for v in module.values}
    imports = {"DocExampleSupport", "Foundation", "Synchronization", "Testing", module.name} | set(module.imports)
    file_scope, members, functions, tests, setups = [], [], [], [], []
    counts = {"compiled": 0, "run": 0, "checks": 0, "excluded": sum(excluded.values()), "excluded files": len(excluded)}
    set_up = set()

    for block in blocks:
        code = []
        for line in block.code:
            m = re.match(r"^import\s+(\w+)\s*$", line)
            if m:
                imports.add(m.group(1))
            else:
                code.append(line)
        while code and not code[0].strip():
            code.pop(0)
        while code and not code[-1].strip():
            code.pop()
        if not code:
            errors.append(f"{block.path}:{block.line}: empty code block")
            continue
        where = f"// {module.sources}/{block.path}, example {block.number}"
        counts["compiled"] += 1
        kind = placement(code)
        if kind == "file":
            if block.marker:
                errors.append(f"{block.path}:{block.line}: a block of declarations does not run; remove the marker")
            file_scope += [where] + code + [""]
            continue
        if kind == "members":
            if block.marker:
                errors.append(f"{block.path}:{block.line}: a block of members does not run; remove the marker")
            members += [where, f"private enum Example_{block.identifier} {{"] + indent(code) + ["}", ""]
            continue

        scanned = code_only(code)
        free = free_names(scanned, set(values))
        used = [v for v in module.values if v.name in free]
        is_async = re.search(r"\bawait\b", scanned) is not None
        effects = ("async " if is_async else "") + "throws"
        setup = re.fullmatch(r"sets up (\w+)", block.marker)
        if setup:
            target = setup.group(1)
            if target in set_up:
                errors.append(f"{block.path}:{block.line}: a second block sets up '{target}'")
                continue
            set_up.add(target)
            if target not in values or target not in [v.name for v in used] or is_async or any(v.wrapper for v in used):
                errors.append(f"{block.path}:{block.line}: a block that sets up '{target}' must use that context "
                              "value, synchronously, and no transaction")
                continue
            params = ", ".join(f"{v.name}: {v.type}" for v in used)
            functions += [where + f" (it sets up `{target}`)",
                          f"func setUpExample{target[0].upper() + target[1:]}({params}) throws {{"] + indent(code) + ["}", ""]
            continue

        name = f"example_{block.identifier}"
        params = ", ".join(f"{v.name}: {v.type}" for v in used)
        checks = checked_prints(code) if block.marker != "compile-only" else []
        body = list(code)
        for offset, (i, printed, expected) in enumerate(checks):
            lead = code[i][:len(code[i]) - len(code[i].lstrip())]
            body.insert(i + 1 + offset, f"{lead}DocOutput.expect({swift_string(expected)}, from: {swift_string(printed)})")
        functions += [where, f"private func {name}({params}) {effects} {{"] + indent(body) + ["}", ""]
        if block.marker == "compile-only":
            continue
        counts["run"] += 1
        counts["checks"] += len(checks)
        wrapped = [v for v in used if v.wrapper]
        if len(wrapped) > 1 or (wrapped and is_async):
            errors.append(f"{block.path}:{block.line}: uses {', '.join(v.name for v in wrapped)}"
                          + (" in async code" if is_async else "") + ": declare your own instead")
            continue
        lets = [f"let {v.name} = try {v.expression}" for v in used if not v.wrapper]
        arguments = ", ".join(f"{v.name}: {v.name}" for v in used)
        call = f"try {'await ' if is_async else ''}{name}({arguments})"
        if wrapped:
            call = wrapped[0].wrapper.replace("◊", call)
        test = block.identifier[0].lower() + block.identifier[1:]
        run = f"try {'await ' if is_async else ''}DocOutput.run(checks: {len(checks)})"
        if lets:
            tests += [f"    @Test({swift_string(block.label)}) func {test}() {effects} {{", f"        {run} {{ c in"]
            tests += [f"            {l}" for l in lets] + [f"            {call}", "        }", "    }", ""]
        else:
            tests += [f"    @Test({swift_string(block.label)}) func {test}() {effects} {{",
                      f"        {run} {{ c in {call} }}", "    }", ""]

    return render(module, sorted(imports), blocks, file_scope, members, functions, tests, counts), counts


def render(module, imports, blocks, file_scope, members, functions, tests, counts):
    depth = len(module.output.split("/"))
    lines = [
        f"// Generated by {SCRIPT} from the ```swift blocks of {module.sources} (its DocC comments",
        f"// and articles). Do not edit: change the documentation and run {SCRIPT}; the test",
        "// `docExamplesAreCurrent` fails while this file is stale.",
        "//",
        f"// {counts['compiled']} examples compiled, {counts['run']} of them run, {counts['checks']} printed lines checked"
        + (f"; {counts['excluded']} examples of {counts['excluded files']} files excluded (not compiled yet:"
           f" the module's `exclude` list in {SCRIPT})." if counts['excluded'] else "."),
        "// Each example that is not a declaration is the body of a function taking the context values",
        "// it uses (DocContext.swift provides them):",
    ]
    for v in module.values:
        lines.append(f"//   {v.name}: {v.type} — {v.doc}")
    lines += [""]
    lines += [f"{'@testable ' if module.testable and name == module.name else ''}import {name}" for name in imports] + [""]
    if file_scope:
        lines += ["// MARK: Declarations (shared by the examples)", ""] + file_scope
    if members:
        lines += ["// MARK: Members", ""] + members
    lines += ["// MARK: Examples", ""] + functions
    suite = module.name + "DocExamples"
    lines += [
        "// MARK: Running them",
        "",
        f"@Suite(\"{module.name} documentation examples\") struct {suite} {{",
    ] + tests + [
        f"    @Test(\"{module.output} is current\") func docExamplesAreCurrent() throws {{",
        f"        try DocOutput.checkCurrent(module: \"{module.name}\", file: #filePath, depth: {depth})",
        "    }",
        "}",
        "",
    ] + SUPPORT.strip("\n").split("\n") + [""]
    return "\n".join(lines)


SUPPORT = r'''
// MARK: Support

/// Runs examples with this module's ``DocContext`` (the rest is in DocExampleSupport).
private extension DocOutput {
    static func run(checks: Int, _ body: (DocContext) throws -> Void) throws {
        try run(checks: checks, context: { try DocContext() }, close: { $0.close() }, body)
    }

    static func run(checks: Int, _ body: (DocContext) async throws -> Void) async throws {
        try await run(checks: checks, context: { try DocContext() }, close: { $0.close() }, body)
    }
}

/// `print` as the examples call it: recorded while an example runs.
private func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    if let output = DocOutput.current { output.record(text) } else { Swift.print(text, terminator: terminator) }
}
'''


# MARK: Main

def main():
    parser = argparse.ArgumentParser(description="Compile the documentation's ```swift examples into a test file per module.")
    parser.add_argument("--check", action="store_true", help="exit 1 when a committed file is stale; write nothing")
    parser.add_argument("--print", metavar="MODULE", help="write MODULE's file to standard output")
    args = parser.parse_args()
    modules = MODULES
    if args.print:
        modules = [m for m in MODULES if m.name == args.print]
        if not modules:
            sys.exit(f"doc-examples: no module {args.print} (known: {', '.join(m.name for m in MODULES)})")
    failed = False
    stale = []
    for module in modules:
        errors = []
        text, counts = generate(module, errors)
        if errors:
            failed = True
            for e in errors:
                print(f"{module.sources}/{e}", file=sys.stderr)
            continue
        if args.print:
            sys.stdout.write(text)
            continue
        path = os.path.join(ROOT, module.output)
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current == text:
            continue
        if args.check:
            stale.append(module.output)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"doc-examples: wrote {module.output} ({counts['compiled']} examples, {counts['run']} run, "
              f"{counts['checks']} printed lines checked, {counts['excluded']} excluded)", file=sys.stderr)
    if stale:
        print("doc-examples: stale, run scripts/doc-examples.py: " + ", ".join(stale), file=sys.stderr)
    if failed or stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
