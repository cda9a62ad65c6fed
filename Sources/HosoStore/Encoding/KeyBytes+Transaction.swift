import LMDB

extension TransactionProtocol where Self: ~Copyable {
    /// The value under `key`, or `nil`.
    @inline(__always)
    func get(_ db: Database, key: KeyBytes) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var result: Result<UnsafeRawBufferPointer?, LMDBError> = .success(nil)
        key.withBytes { k in
            do throws(LMDBError) { result = .success(try get(db, key: k)) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}

extension WriteTransaction {
    /// Stores `value` under `key`; `false` when a flag refused it.
    @discardableResult @inline(__always)
    func put(_ db: Database, key: KeyBytes, value: UnsafeRawBufferPointer, flags: PutFlags = []) throws(LMDBError) -> Bool {
        var result: Result<Bool, LMDBError> = .success(false)
        key.withBytes { k in
            do throws(LMDBError) { result = .success(try put(db, key: k, value: value, flags: flags)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Stores `value` under `key`; `false` when a flag refused it.
    @discardableResult @inline(__always)
    func put(_ db: Database, key: KeyBytes, value: [UInt8], flags: PutFlags = []) throws(LMDBError) -> Bool {
        var result: Result<Bool, LMDBError> = .success(false)
        value.withUnsafeBytes { v in
            do throws(LMDBError) { result = .success(try put(db, key: key, value: v, flags: flags)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Deletes one value of `key` in a dupsort database; `false` when absent.
    @discardableResult @inline(__always)
    func delete(_ db: Database, key: KeyBytes, value: UnsafeRawBufferPointer) throws(LMDBError) -> Bool {
        var result: Result<Bool, LMDBError> = .success(false)
        key.withBytes { k in
            do throws(LMDBError) { result = .success(try delete(db, key: k, value: value)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Deletes `key` (or one of its values); `false` when absent.
    @discardableResult @inline(__always)
    func delete(_ db: Database, key: KeyBytes, value: [UInt8]? = nil) throws(LMDBError) -> Bool {
        var result: Result<Bool, LMDBError> = .success(false)
        key.withBytes { k in
            if let value {
                value.withUnsafeBytes { v in
                    do throws(LMDBError) { result = .success(try delete(db, key: k, value: v)) } catch { result = .failure(error) }
                }
            } else {
                do throws(LMDBError) { result = .success(try delete(db, key: k)) } catch { result = .failure(error) }
            }
        }
        return try result.get()
    }
}
