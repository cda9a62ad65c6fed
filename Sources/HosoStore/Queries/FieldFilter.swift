/// A condition on a record's stored fields, decided on its stored bytes without decoding the
/// record: the fields it names are found by their numbers (``RecordWriter``'s layout) and
/// compared there, so a scan that keeps one record in twenty decodes only that one
/// (``TenantReader/scan(_:where:after:limit:_:)``) or none at all
/// (``TenantReader/count(_:where:examined:)``).
///
/// Conditions name top-level fields that a record writes at most once (not repeated fields,
/// not fields inside nested messages). A field left out of the stored bytes (a default value,
/// see ``RecordWriter``) takes the condition's `absent` value, or fails the condition when
/// there is none. Logic is two-valued: ``Condition/not(_:)`` of a failed condition holds.
///
/// ```swift
/// // Notes by ana written before day 20,300 (fields 1 and 4 of Note's encoding).
/// let filter = FieldFilter(.all([.text(1, oneOf: ["ana"]), .integer(4, .less, 20_300)]))
/// let n = try tenant.read { try $0.count(Note.self, where: filter) }
/// print(n)   // 2
/// ```
public struct FieldFilter: Sendable, Hashable, CustomStringConvertible {
    /// How a stored integer is compared with a constant.
    public enum Comparison: String, Sendable, Hashable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

        /// Whether `a` stands in this relation to `b`.
        ///
        /// ```swift
        /// print(FieldFilter.Comparison.less.holds(3, 5), FieldFilter.Comparison.greaterOrEqual.holds(3, 5))   // true false
        /// ```
        @inline(__always)
        public func holds(_ a: Int64, _ b: Int64) -> Bool {
            switch self {
            case .equal: a == b
            case .notEqual: a != b
            case .less: a < b
            case .lessOrEqual: a <= b
            case .greater: a > b
            case .greaterOrEqual: a >= b
            }
        }
    }

    /// A condition on the fields of one record.
    public indirect enum Condition: Sendable, Hashable {
        /// A signed integer field (zigzag varint, as ``RecordWriter`` writes an `Int64`) compared with a constant; `absent` stands for the field when the record
        /// does not write it (nil: the condition fails).
        case integer(Int, Comparison, Int64, absent: Int64? = nil)
        /// A signed integer field is one of the values (`absent` as for ``integer(_:_:_:absent:)``).
        case integerIn(Int, Set<Int64>, absent: Int64? = nil)
        /// A string field equals one of the strings, as Swift's `==` decides (canonical
        /// equivalence: "é" written precomposed or as "e" and a combining accent are equal). An
        /// absent field equals none.
        case text(Int, oneOf: Set<String>)
        /// A boolean field (``RecordWriter`` writes true as 1 and leaves false out) has the
        /// value: true when the field holds a non-zero varint.
        case flag(Int, Bool)
        /// The record writes the field.
        case present(Int)
        /// Every condition holds (true when there is none).
        case all([Condition])
        /// One of the conditions holds (false when there is none).
        case any([Condition])
        /// The condition does not hold.
        case not(Condition)
    }

    /// The condition.
    public let condition: Condition
    /// The field numbers the condition reads, ascending.
    public let fields: [Int]
    private let program: Program

    /// A filter deciding `condition`.
    public init(_ condition: Condition) {
        self.condition = condition
        var numbers = Set<Int>()
        var stack = [condition]
        while let c = stack.popLast() {
            switch c {
            case .integer(let f, _, _, _), .integerIn(let f, _, _), .text(let f, _), .flag(let f, _), .present(let f): numbers.insert(f)
            case .all(let cs), .any(let cs): stack += cs
            case .not(let c): stack.append(c)
            }
        }
        fields = numbers.sorted()
        program = Program(condition, slots: fields)
    }

    public var description: String { Self.describe(condition) }

    private static func describe(_ c: Condition) -> String {
        switch c {
        case let .integer(f, op, v, absent): "#\(f) \(op.rawValue) \(v)" + (absent.map { " (absent: \($0))" } ?? "")
        case let .integerIn(f, set, absent): "#\(f) IN (\(set.sorted().map(String.init).joined(separator: ", ")))" + (absent.map { " (absent: \($0))" } ?? "")
        case let .text(f, set): "#\(f) IN (\(set.sorted().map { "'\($0)'" }.joined(separator: ", ")))"
        case let .flag(f, b): b ? "#\(f)" : "NOT #\(f)"
        case .present(let f): "#\(f) present"
        case .all(let cs): cs.isEmpty ? "TRUE" : cs.map { "(\(describe($0)))" }.joined(separator: " AND ")
        case .any(let cs): cs.isEmpty ? "FALSE" : cs.map { "(\(describe($0)))" }.joined(separator: " OR ")
        case .not(let c): "NOT (\(describe(c)))"
        }
    }

    /// Whether the record stored as `bytes` (a version byte, then fields) satisfies the
    /// condition. A record malformed before the point where the answer is known (every field
    /// the condition names read, or a conjunct failed) is an error, as its decoding would be;
    /// bytes past that point are not read. Each call sets up its own scratch space;
    /// ``TenantReader/scan(_:where:after:limit:rejected:_:)`` and
    /// ``TenantReader/count(_:where:examined:)`` set it up once per thread instead.
    ///
    /// ```swift
    /// var w = RecordWriter(formatVersion: 1)
    /// w.write(1, "ana"); w.write(4, Int64(20_000))
    /// let old = FieldFilter(.integer(4, .less, 20_300))
    /// print(try w.bytes.withUnsafeBytes { try old.matches($0) })   // true
    /// ```
    public func matches(_ bytes: UnsafeRawBufferPointer) throws(HosoError) -> Bool {
        try Matcher(self).matches(bytes)
    }

    /// Scratch space for deciding the filter record after record, with no allocation or
    /// reference counting per record. One per thread.
    ///
    /// When the condition is a conjunction of conditions on one field each (or a single such
    /// condition), each conjunct is decided as soon as its field is read, and the first that
    /// fails rejects the record without reading further: a filter on the birth date and the
    /// occupation stops at the birth date of a file born too late. Otherwise every field the
    /// condition names is read first, then the compiled condition runs.
    final class Matcher {
        let program: Program
        let n: Int
        let fields: UnsafeMutablePointer<Int>
        /// For each field number below `lookup`, its slot plus one (0: not a slot of this
        /// filter). Field numbers from `lookup` up are searched for in `fields`.
        let slotOf: UnsafeMutablePointer<Int32>
        let lookup: Int
        /// Per slot (a field of ``FieldFilter/fields``): 0 absent, 1 integer, 2 bytes.
        let kind: UnsafeMutablePointer<UInt8>
        let scalar: UnsafeMutablePointer<UInt64>
        let start: UnsafeMutablePointer<Int>
        let count: UnsafeMutablePointer<Int>
        let stack: UnsafeMutablePointer<Bool>
        /// Copies of the program's steps, texts and their bytes, read without reference counting.
        let steps: UnsafeMutableBufferPointer<Step>
        let literals: UnsafeMutableBufferPointer<Literal>
        let literalBytes: UnsafeMutableRawBufferPointer
        /// A conjunction of one-field conditions: its conjuncts grouped by slot (those of slot
        /// `s` are `conjuncts[firstConjunct[s]..<firstConjunct[s + 1]]`, cheap ones first).
        /// Empty `firstConjunct` when the condition has another shape.
        let conjuncts: UnsafeMutableBufferPointer<Step>
        let firstConjunct: UnsafeMutableBufferPointer<Int>

        init(_ filter: FieldFilter) {
            program = filter.program
            n = filter.fields.count
            fields = .allocate(capacity: max(n, 1)); kind = .allocate(capacity: max(n, 1)); scalar = .allocate(capacity: max(n, 1))
            start = .allocate(capacity: max(n, 1)); count = .allocate(capacity: max(n, 1))
            stack = .allocate(capacity: max(program.steps.count, 1))
            for i in 0..<n { fields[i] = filter.fields[i] }
            // Field numbers are small in practice; a table for those up to 1,023.
            let top = filter.fields.last.map { $0 + 1 } ?? 0
            lookup = min(top, 1_024)
            slotOf = .allocate(capacity: max(lookup, 1))
            slotOf.initialize(repeating: 0, count: max(lookup, 1))
            for (i, f) in filter.fields.enumerated() where f >= 0 && f < lookup { slotOf[f] = Int32(i + 1) }
            steps = .allocate(capacity: program.steps.count); _ = steps.initialize(from: program.steps)
            literals = .allocate(capacity: program.literals.count); _ = literals.initialize(from: program.literals)
            literalBytes = .allocate(byteCount: program.literalBytes.count, alignment: 1)
            literalBytes.copyBytes(from: program.literalBytes)
            if let grouped = program.conjunctsBySlot(slots: n) {
                conjuncts = .allocate(capacity: max(grouped.steps.count, 1)); _ = conjuncts.initialize(from: grouped.steps)
                firstConjunct = .allocate(capacity: grouped.first.count); _ = firstConjunct.initialize(from: grouped.first)
            } else {
                conjuncts = .allocate(capacity: 1)
                firstConjunct = .allocate(capacity: 0)
            }
        }

        deinit {
            fields.deallocate(); kind.deallocate(); scalar.deallocate(); start.deallocate(); count.deallocate(); stack.deallocate()
            slotOf.deallocate(); conjuncts.deallocate(); firstConjunct.deallocate()
            steps.deallocate(); literals.deinitialize(); literals.deallocate(); literalBytes.deallocate()
        }

        /// A varint at `offset`: one byte read inline, longer ones by ``longVarint(_:_:_:)``.
        @inline(__always)
        private static func varint(_ p: UnsafeRawBufferPointer, _ offset: inout Int) throws(HosoError) -> UInt64 {
            if offset < p.count {
                let b = p[offset]
                if b < 0x80 { offset &+= 1; return UInt64(b) }
            }
            return try longVarint(p, &offset)
        }

        @inline(never)
        private static func longVarint(_ p: UnsafeRawBufferPointer, _ offset: inout Int) throws(HosoError) -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while offset < p.count {
                let b = p[offset]; offset &+= 1
                result |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift += 7
                if shift > 63 { break }
            }
            throw HosoError.corruptRecord(type: "", id: nil, reason: "truncated or overlong varint at byte \(offset)")
        }

        /// The slot of field `number`, or -1.
        @inline(__always)
        private func slot(of number: UInt64) -> Int {
            if number < UInt64(lookup) { return Int(slotOf[Int(number)]) &- 1 }
            guard number <= UInt64(Int.max) else { return -1 }
            let f = Int(number)
            var i = 0
            while i < n { if fields[i] == f { return i }; i &+= 1 }
            return -1
        }

        /// Reads the slots' fields from `p`, then decides the condition (see ``Matcher``).
        func matches(_ p: UnsafeRawBufferPointer) throws(HosoError) -> Bool {
            guard p.count >= 1 else { throw HosoError.corruptRecord(type: "", id: nil, reason: "empty value") }
            let n = self.n
            let early = firstConjunct.count > 0
            for i in 0..<n { kind[i] = 0 }
            var found = 0
            var offset = 1
            while offset < p.count && found < n {
                let tag = try Self.varint(p, &offset)
                let number = tag >> 3
                let slot = slot(of: number)
                switch tag & 7 {
                case 0:
                    let v = try Self.varint(p, &offset)
                    if slot >= 0 {
                        let first = kind[slot] == 0
                        kind[slot] = 1; scalar[slot] = v
                        if first {
                            found &+= 1
                            if early, !decided(slot, p) { return false }
                        }
                    }
                case 2:
                    let length = Int(truncatingIfNeeded: try Self.varint(p, &offset))
                    guard length >= 0, length <= p.count - offset else {
                        throw HosoError.corruptRecord(type: "", id: nil, reason: "field \(number) runs past the end")
                    }
                    if slot >= 0 {
                        let first = kind[slot] == 0
                        kind[slot] = 2; start[slot] = offset; count[slot] = length
                        if first {
                            found &+= 1
                            if early, !decided(slot, p) { return false }
                        }
                    }
                    offset &+= length
                default:
                    throw HosoError.corruptRecord(type: "", id: nil, reason: "unknown wire type \(tag & 7) in field \(number)")
                }
            }
            guard early else { return run(p) }
            // The conjuncts on fields the record does not write (their `absent` values).
            for s in 0..<n where kind[s] == 0 {
                if !decided(s, p) { return false }
            }
            return true
        }

        /// Whether every conjunct on `slot` holds (a conjunction, see ``conjuncts``).
        @inline(__always)
        private func decided(_ slot: Int, _ p: UnsafeRawBufferPointer) -> Bool {
            var k = firstConjunct[slot]
            let end = firstConjunct[slot &+ 1]
            while k < end {
                if !leaf(conjuncts[k], p) { return false }
                k &+= 1
            }
            return true
        }

        @inline(__always)
        private func integer(_ slot: Int, _ hasAbsent: Bool, _ absent: Int64) -> Int64? {
            switch kind[slot] {
            case 1: let s = scalar[slot]; return Int64(bitPattern: s >> 1) ^ -Int64(bitPattern: s & 1)
            case 0: return hasAbsent ? absent : nil
            default: return nil
            }
        }

        /// The truth of a condition on one field (a step other than `all`, `any` and `not`).
        @inline(__always)
        private func leaf(_ step: Step, _ p: UnsafeRawBufferPointer) -> Bool {
            switch step {
            case let .integer(slot, op, v, hasAbsent, absent):
                return integer(slot, hasAbsent, absent).map { op.holds($0, v) } ?? false
            case let .integerIn(slot, set, hasAbsent, absent):
                return integer(slot, hasAbsent, absent).map { program.sets[set].contains($0) } ?? false
            case let .text(slot, first, end):
                guard kind[slot] == 2 else { return false }
                let literalBytes = UnsafeRawBufferPointer(literalBytes)
                let field = UnsafeRawBufferPointer(rebasing: p[start[slot]..<start[slot] + count[slot]])
                var fieldSettled: Bool? = nil
                for k in first..<end where literals[k].equals(field, fieldSettled: &fieldSettled, in: literalBytes) { return true }
                return false
            case let .flag(slot, b):
                return (kind[slot] == 1 && scalar[slot] != 0) == b
            case .present(let slot):
                return kind[slot] != 0
            case .all, .any, .not:
                return false
            }
        }

        private func run(_ p: UnsafeRawBufferPointer) -> Bool {
            var top = 0
            for step in steps {
                switch step {
                case .all(let k):
                    var r = true
                    for _ in 0..<k { top &-= 1; if !stack[top] { r = false } }
                    stack[top] = r; top &+= 1
                case .any(let k):
                    var r = false
                    for _ in 0..<k { top &-= 1; if stack[top] { r = true } }
                    stack[top] = r; top &+= 1
                case .not:
                    stack[top &- 1] = !stack[top &- 1]
                default:
                    stack[top] = leaf(step, p); top &+= 1
                }
            }
            return top > 0 ? stack[top &- 1] : true
        }
    }

    /// A string constant: where its bytes lie in ``Program/literalBytes``, and its text.
    struct Literal: Sendable {
        let text: String
        let offset: Int
        let count: Int
        let settled: Bool

        /// Swift's `==` on the stored string: equal bytes are equal; when both sides are
        /// made only of characters that have a single canonical form, unequal bytes are unequal;
        /// otherwise the string is decoded and compared.
        @inline(__always)
        func equals(_ field: UnsafeRawBufferPointer, fieldSettled: inout Bool?, in literalBytes: UnsafeRawBufferPointer) -> Bool {
            if field.count == count, UnsafeRawBufferPointer(rebasing: literalBytes[offset..<offset + count]).elementsEqual(field) { return true }
            if settled {
                if fieldSettled == nil { fieldSettled = Literal.isSettled(field) }
                if fieldSettled == true { return false }
            }
            return String(decoding: field, as: UTF8.self) == text
        }

        /// Whether every character of the UTF-8 bytes is one that no other sequence is
        /// canonically equivalent to, alone or next to its neighbours: ASCII, U+0080–U+02FF
        /// (Latin-1, Latin Extended-A and -B, IPA, spacing modifiers) and U+1E00–U+1EFF (Latin
        /// Extended Additional: the precomposed Vietnamese letters). Combining marks, and
        /// everything else, are not. In UTF-8: no byte from 0xCC up (the lead bytes of U+0300
        /// and above) but the 0xE1 of a U+1E00–U+1EFF (0xE1 0xB8…0xBB). Bytes that are not
        /// UTF-8 may pass; they decode to U+FFFD, which no settled text holds, so a settled text
        /// still differs from them.
        @inline(__always)
        static func isSettled(_ p: UnsafeRawBufferPointer) -> Bool {
            var i = 0
            let n = p.count
            // Eight bytes at a time while none is from 0xCC up: a byte is when its top bit is
            // set and its low seven bits plus 0x34 reach 0x80 (no carry crosses a byte).
            if let base = p.baseAddress {
                while i &+ 8 <= n {
                    let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if w & ((w & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x3434_3434_3434_3434) & 0x8080_8080_8080_8080 != 0 { break }
                    i &+= 8
                }
            }
            while i < n {
                let b = p[i]
                if b >= 0xCC {
                    guard b == 0xE1, i + 1 < n, p[i + 1] >= 0xB8, p[i + 1] <= 0xBB else { return false }
                    i &+= 2
                    continue
                }
                i &+= 1
            }
            return true
        }
    }

    /// The condition compiled: postfix steps over slots, with the sets and texts they name.
    final class Program: Sendable {
        let steps: [Step]
        let sets: [Set<Int64>]
        let literals: [Literal]
        let literalBytes: [UInt8]

        init(_ condition: Condition, slots: [Int]) {
            func slot(_ f: Int) -> Int { slots.firstIndex(of: f)! }
            var steps: [Step] = [], sets: [Set<Int64>] = [], literals: [Literal] = [], bytes: [UInt8] = []
            // Postfix order, built with a stack of its own (no recursion on deep conditions).
            enum Work { case visit(Condition), emit(Step) }
            var work: [Work] = [.visit(condition)]
            while let w = work.popLast() {
                switch w {
                case .emit(let s): steps.append(s)
                case .visit(let c):
                    switch c {
                    case let .integer(f, op, v, absent): steps.append(.integer(slot(f), op, v, absent != nil, absent ?? 0))
                    case let .integerIn(f, set, absent):
                        steps.append(.integerIn(slot(f), sets.count, absent != nil, absent ?? 0)); sets.append(set)
                    case let .text(f, set):
                        let first = literals.count
                        for t in set.sorted() {
                            let b = Array(t.utf8)
                            let settled = b.withUnsafeBytes { Literal.isSettled($0) }
                            literals.append(Literal(text: t, offset: bytes.count, count: b.count, settled: settled)); bytes += b
                        }
                        steps.append(.text(slot(f), first, literals.count))
                    case let .flag(f, b): steps.append(.flag(slot(f), b))
                    case .present(let f): steps.append(.present(slot(f)))
                    case .all(let cs):
                        work.append(.emit(.all(cs.count)))
                        for c in cs.reversed() { work.append(.visit(c)) }
                    case .any(let cs):
                        work.append(.emit(.any(cs.count)))
                        for c in cs.reversed() { work.append(.visit(c)) }
                    case .not(let c):
                        work.append(.emit(.not)); work.append(.visit(c))
                    }
                }
            }
            self.steps = steps; self.sets = sets; self.literals = literals; literalBytes = bytes
        }

        /// When the condition is a conjunction of one-field conditions (an `all`, nested or not,
        /// of them, or one alone), those conditions grouped by slot, cheap ones first in each
        /// (see ``Matcher``), with where each slot's group starts (`first[slots]` is the end);
        /// nil for any other shape.
        func conjunctsBySlot(slots: Int) -> (steps: [Step], first: [Int])? {
            // Whether each value on the postfix stack is a conjunction of one-field conditions.
            var flat: [Bool] = []
            var leaves: [(slot: Int, cost: Int, step: Step)] = []
            for step in steps {
                switch step {
                case .all(let k):
                    let all = flat.suffix(k).allSatisfy { $0 }
                    flat.removeLast(k); flat.append(all)
                case .any(let k): flat.removeLast(k); flat.append(false)
                case .not: flat[flat.count - 1] = false
                case let .integer(slot, _, _, _, _): leaves.append((slot, 0, step)); flat.append(true)
                case let .flag(slot, _): leaves.append((slot, 0, step)); flat.append(true)
                case let .present(slot): leaves.append((slot, 0, step)); flat.append(true)
                case let .integerIn(slot, _, _, _): leaves.append((slot, 1, step)); flat.append(true)
                case let .text(slot, _, _): leaves.append((slot, 2, step)); flat.append(true)
                }
            }
            guard flat == [true] else { return nil }
            let ordered = leaves.enumerated().sorted { ($0.element.slot, $0.element.cost, $0.offset) < ($1.element.slot, $1.element.cost, $1.offset) }
            var first = [Int](repeating: 0, count: slots + 1)
            for l in leaves { first[l.slot + 1] += 1 }
            for s in 0..<slots { first[s + 1] += first[s] }
            return (ordered.map(\.element.step), first)
        }
    }

    /// One postfix step: a condition on a slot pushes its truth; `all`, `any` and `not` combine
    /// the values on top of the stack. Plain values, so running them counts no references.
    enum Step: Sendable {
        case integer(Int, Comparison, Int64, Bool, Int64)
        case integerIn(Int, Int, Bool, Int64)
        case text(Int, Int, Int)
        case flag(Int, Bool)
        case present(Int)
        case all(Int)
        case any(Int)
        case not

    }

    public static func == (a: FieldFilter, b: FieldFilter) -> Bool { a.condition == b.condition }
    public func hash(into hasher: inout Hasher) { hasher.combine(condition) }
}
