import Foundation

/// The public methods a type declares in `Sources/HosoStore`, read from the source (Swift has no
/// runtime list of methods): the bodies of `struct NAME` / `extension NAME` declarations at the
/// top level, and in them every `public func`, as `name(label:Type,…)` with closure types shown
/// as `closure` and defaults dropped.
enum SourceAPI {
    static var sourceDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HosoStore").path
    }

    static func publicMethods(of typeName: String) throws -> [String] {
        var out: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: sourceDirectory)
        while let file = enumerator?.nextObject() as? String {
            guard file.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sourceDirectory + "/" + file, encoding: .utf8)
            out += methods(in: text, of: typeName)
        }
        return out.sorted()
    }

    static func methods(in text: String, of typeName: String) -> [String] {
        var out: [String] = []
        var inside = false
        var pending: String? = nil
        let opener = try! NSRegularExpression(pattern: "^(public |package )?(final )?(struct|class|extension) \(typeName)\\b")
        for line in text.components(separatedBy: "\n") {
            if !line.hasPrefix(" ") && !line.hasPrefix("}") && !line.hasPrefix("/") && !line.isEmpty {
                inside = opener.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
                continue
            }
            if line == "}" { inside = false; continue }
            guard inside else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending == nil, trimmed.hasPrefix("public func ") { pending = "" }
            guard pending != nil else { continue }
            pending! += " " + trimmed
            if let signature = signature(pending!) { out.append(signature); pending = nil }
        }
        return out
    }

    /// `name(label:Type,…)` once the declaration's parameter list is complete, else nil.
    static func signature(_ declaration: String) -> String? {
        guard let funcRange = declaration.range(of: "public func ") else { return nil }
        let chars = Array(declaration[funcRange.upperBound...])
        var i = 0
        var name = ""
        while i < chars.count, chars[i] != "(" && chars[i] != "<" { name.append(chars[i]); i += 1 }
        if i < chars.count, chars[i] == "<" {
            var depth = 0
            while i < chars.count {
                if chars[i] == "<" { depth += 1 } else if chars[i] == ">" { depth -= 1; if depth == 0 { i += 1; break } }
                i += 1
            }
        }
        guard i < chars.count, chars[i] == "(" else { return nil }
        // The parameter list, split at top-level commas ("->" is not a bracket).
        var depth = 0
        var params: [String] = []
        var current = ""
        i += 1
        var closed = false
        while i < chars.count {
            let c = chars[i]
            if c == "-", i + 1 < chars.count, chars[i + 1] == ">" { current += "->"; i += 2; continue }
            if c == "(" || c == "[" || c == "<" { depth += 1 }
            if c == ")" || c == "]" || c == ">" {
                if depth == 0 && c == ")" { closed = true; break }
                depth -= 1
            }
            if c == "," && depth == 0 { params.append(current); current = "" } else { current.append(c) }
            i += 1
        }
        guard closed else { return nil }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { params.append(current) }
        let parts = params.map { p -> String in
            let colon = p.firstIndex(of: ":")!
            let names = p[..<colon].split(separator: " ")
            var type = String(p[p.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            if let eq = type.range(of: " = ") { type = String(type[..<eq.lowerBound]) }
            type = type.replacingOccurrences(of: "inout ", with: "").replacingOccurrences(of: "borrowing ", with: "")
            if type.hasPrefix("(") { type = "closure" }
            if type.hasPrefix("@escaping") || type.hasPrefix("@Sendable") { type = "closure" }
            return "\(names.first!):\(type.replacingOccurrences(of: " ", with: ""))"
        }
        return name.trimmingCharacters(in: .whitespaces) + "(" + parts.joined(separator: ",") + ")"
    }

    /// `name(label:label:)`, as DocC names a method.
    static func docName(_ signature: String) -> String {
        let open = signature.firstIndex(of: "(")!
        let inner = signature[signature.index(after: open)..<signature.index(before: signature.endIndex)]
        let labels = inner.isEmpty ? [] : splitTopLevel(String(inner)).map { $0.split(separator: ":").first.map(String.init) ?? "" }
        return signature[..<open] + "(" + labels.map { $0 + ":" }.joined() + ")"
    }

    private static func splitTopLevel(_ s: String) -> [String] {
        var out: [String] = [], current = "", depth = 0
        for c in s {
            if c == "(" || c == "[" || c == "<" { depth += 1 }
            if c == ")" || c == "]" || c == ">" { depth -= 1 }
            if c == "," && depth == 0 { out.append(current); current = "" } else { current.append(c) }
        }
        out.append(current)
        return out
    }
}
