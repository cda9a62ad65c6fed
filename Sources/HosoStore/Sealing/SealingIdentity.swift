import Crypto
import Foundation

/// A principal's key pair for sealed tenants: the private half opens the data keys wrapped for
/// the principal, the public half (``publicKey``, kept with the store's user) is what keys are
/// wrapped for. Keep the private half in a file of its own, outside the store and its backups
/// (``save(to:)`` writes it 0600 and never over another file).
///
/// ```swift
/// let lan = SealingIdentity.generate()
/// let again = try SealingIdentity(encoded: lan.encoded)
/// print(again.publicKey == lan.publicKey, lan.publicKey.count)   // true 44
/// ```
public struct SealingIdentity: Sendable {
    /// The private key's raw bytes (the key type itself is not `Sendable`).
    let raw: [UInt8]
    var privateKey: Curve25519.KeyAgreement.PrivateKey { try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) }

    init(_ privateKey: Curve25519.KeyAgreement.PrivateKey) { raw = Array(privateKey.rawRepresentation) }

    /// A new random key pair.
    public static func generate() -> SealingIdentity { SealingIdentity(Curve25519.KeyAgreement.PrivateKey()) }

    /// The public half, base64: what a store's user keeps (``StoreUser/publicKey``).
    public var publicKey: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// The key file's text: a header line and the private key in base64.
    public var encoded: String { "hoso-sealing-key-v1\n" + privateKey.rawRepresentation.base64EncodedString() + "\n" }

    /// Reads a key from its file's text (``encoded``).
    public init(encoded text: String) throws {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard lines.count == 2, lines[0] == "hoso-sealing-key-v1", let decoded = Data(base64Encoded: lines[1]),
              let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: decoded) else {
            throw HosoError.sealing(what: "read the sealing key", reason: "it is not a key file hoso wrote (hoso keys init writes one)")
        }
        raw = Array(key.rawRepresentation)
    }

    /// Reads the key file at `path`, which must be the reading account's alone (mode 0600 or
    /// 0400): a key others can read protects nothing.
    public init(contentsOf path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            throw HosoError.sealing(what: "read the sealing key \(path)", reason: "\(String(cString: strerror(errno))); hoso keys init creates one")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw HosoError.sealing(what: "read the sealing key \(path)", reason: "it is not a regular file (a symlink is not followed)")
        }
        guard st.st_mode & 0o077 == 0 else {
            throw HosoError.sealing(what: "read the sealing key \(path)",
                                    reason: "its mode is \(String(st.st_mode & 0o777, radix: 8)): others can read it; chmod 600 it, and if others did read it, have an admin rotate the keys (hoso keys rotate)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HosoError.sealing(what: "read the sealing key \(path)", reason: String(cString: strerror(errno)))
        }
        do {
            try self.init(encoded: String(decoding: data, as: UTF8.self))
        } catch HosoError.sealing(_, let reason) {
            throw HosoError.sealing(what: "read the sealing key \(path)", reason: reason)
        }
    }

    /// Writes the key to a new file at `path`, mode 0600 whatever the umask; an existing file
    /// or a symlink there is an error, never overwritten.
    public func save(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw HosoError.sealing(what: "write the sealing key \(path)",
                                    reason: errno == EEXIST ? "a file is there already; move it away first (it may be the only copy of a key)" : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(encoded.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            unlink(path)
            throw HosoError.sealing(what: "write the sealing key \(path)", reason: String(cString: strerror(errno)))
        }
    }
}

/// Wraps data keys for a recipient's public key: an ephemeral X25519 agreement, HKDF-SHA256 and
/// AES-GCM, bound to what the key is (`context`).
enum KeyWrap {
    /// The public key (base64) a wrap was made for: its first 32 bytes.
    static func recipientKey(of blob: UnsafeRawBufferPointer) -> String { Data(blob.prefix(32)).base64EncodedString() }

    static func publicKey(_ base64: String, of recipient: String) throws(HosoError) -> Curve25519.KeyAgreement.PublicKey {
        guard let raw = Data(base64Encoded: base64), let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) else {
            throw HosoError.sealing(what: "wrap a key for \(recipient)", reason: "its public key is not one hoso keys init made; have it run hoso keys init again")
        }
        return key
    }

    static func kek(_ shared: SharedSecret, ephemeral: Data, recipient: Data, context: [UInt8]) -> SymmetricKey {
        shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: ephemeral + recipient,
                                       sharedInfo: Array("hoso key wrap v1".utf8) + context, outputByteCount: 32)
    }

    static func wrap(_ key: SymmetricKey, for recipient: Curve25519.KeyAgreement.PublicKey, context: [UInt8]) throws(HosoError) -> [UInt8] {
        do {
            let ephemeral = Curve25519.KeyAgreement.PrivateKey()
            let shared = try ephemeral.sharedSecretFromKeyAgreement(with: recipient)
            let kek = kek(shared, ephemeral: ephemeral.publicKey.rawRepresentation, recipient: recipient.rawRepresentation, context: context)
            let box = try key.withUnsafeBytes { try AES.GCM.seal($0, using: kek) }
            return Array(recipient.rawRepresentation) + Array(ephemeral.publicKey.rawRepresentation) + Array(box.combined!)
        } catch {
            throw HosoError.sealing(what: "wrap a key", reason: "\(error)")
        }
    }

    static func unwrap(_ blob: UnsafeRawBufferPointer, with identity: SealingIdentity, context: [UInt8]) throws(HosoError) -> SymmetricKey {
        do {
            guard blob.count > 64 + 28 else { throw HosoError.corruptRecord(type: "sealing key", id: nil, reason: "truncated") }
            let ephemeral = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: Data(blob[32..<64]))
            let shared = try identity.privateKey.sharedSecretFromKeyAgreement(with: ephemeral)
            let kek = kek(shared, ephemeral: ephemeral.rawRepresentation, recipient: identity.privateKey.publicKey.rawRepresentation, context: context)
            let raw = try AES.GCM.open(try AES.GCM.SealedBox(combined: Data(blob[64...])), using: kek)
            return SymmetricKey(data: raw)
        } catch {
            throw HosoError.sealing(what: "open a key wrapped for this principal",
                                    reason: "it does not open with this key file (\(error)): it was wrapped for another key; ask an admin to grant the keys again (hoso keys sync)")
        }
    }
}
