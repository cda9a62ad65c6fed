extension Tenant {
    /// Streams the records of a value index in `range` as an `AsyncSequence`, reading pages of
    /// `pageSize` in short read transactions (each resumes from the last one's continuation),
    /// so a long stream never holds a snapshot open.
    ///
    /// ```swift
    /// var slugs: [String] = []
    /// for try await note in tenant.stream(Note.self, in: Note.byAuthor, .prefix(["ana"])) {
    ///     slugs.append(note.slug)
    /// }
    /// print(slugs)   // ["welcome", "agenda"]
    /// ```
    public func stream<R: StoredRecord>(_ type: R.Type, in index: IndexDefinition? = nil, _ range: KeyRange = .all,
                                        pageSize: Int = 1000) -> AsyncThrowingStream<R, any Error> {
        AsyncThrowingStream(R.self) { continuation in
            let task = Task {
                var token: Continuation? = nil
                do {
                    repeat {
                        try Task.checkCancellation()
                        var page: [R] = []
                        token = try self.read { txn in
                            if let index {
                                return try txn.records(R.self, in: index, range, after: token, limit: pageSize) { page.append($0); return true }
                            }
                            return try txn.scan(R.self, after: token, limit: pageSize) { page.append($0); return true }
                        }
                        for record in page { continuation.yield(record) }
                    } while token != nil
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
