import Foundation

extension Gazetteer {
    /// Lowercases `s` and removes Vietnamese diacritics — tone marks and the circumflex, breve
    /// and horn of â ê ô ă ơ ư — and maps đ/Đ to `d`, so names compare the way people type
    /// them without an IME. Combining marks in any position (NFC or NFD input, old-style
    /// `hoà` or new-style `hòa`) fold the same way. Whitespace is kept as it is.
    ///
    /// Foundation's `folding(options: .diacriticInsensitive, …)` keeps `đ` (a letter with a
    /// stroke, not a base letter plus a mark); this function maps it, and the look-alike `ð`/`Ð`
    /// often typed for it, to `d`.
    ///
    /// ```swift
    /// print(Gazetteer.fold("Đoàn Kết"))   // doan ket
    /// print(Gazetteer.fold("Xã Thiện Hòa"))   // xa thien hoa
    /// ```
    public static func fold(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
        var out = String.UnicodeScalarView()
        for scalar in s.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F: continue                      // combining diacritical marks
            case 0x0110, 0x0111, 0x00D0, 0x00F0: out.append("d")  // Đ đ Ð ð
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// ``fold(_:)`` with runs of whitespace collapsed to one space and none at either end.
    static func foldForSearch(_ s: String) -> String {
        fold(s).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
