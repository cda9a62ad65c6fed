import Dispatch
import Synchronization

/// Gathers write requests from concurrent callers into one LMDB commit: the first caller to
/// arrive while no commit is running leads, runs every queued request in its own nested
/// transaction (so a failing request is undone alone), commits once, and wakes the others.
/// One fsync then serves many writers.
final class GroupCommitter: Sendable {
    final class Request: @unchecked Sendable {
        let body: @Sendable (TenantWriter) throws -> any Sendable
        let done = DispatchSemaphore(value: 0)
        var result: Result<any Sendable, any Error> = .failure(CancellationError())
        init(_ body: @escaping @Sendable (TenantWriter) throws -> any Sendable) { self.body = body }
    }

    private struct State {
        var queue: [Request] = []
        var leading = false
    }
    private let state = Mutex(State())
    /// The most requests one commit takes.
    let maximumGroup = 512

    func submit(_ request: Request, run: ([Request]) -> Void) {
        let lead = state.withLock { s -> Bool in
            s.queue.append(request)
            if s.leading { return false }
            s.leading = true
            return true
        }
        guard lead else { request.done.wait(); return }
        while true {
            let group = state.withLock { s -> [Request] in
                let n = min(s.queue.count, maximumGroup)
                let taken = Array(s.queue.prefix(n))
                s.queue.removeFirst(n)
                if taken.isEmpty { s.leading = false }
                return taken
            }
            if group.isEmpty { break }
            run(group)
            for r in group where r !== request { r.done.signal() }
        }
    }
}

extension Tenant {
    /// Writes with group commit: concurrent callers' bodies are gathered into one transaction
    /// and one durable commit, each in its own nested transaction, so a body that throws is
    /// undone alone and only its caller sees the error. Returns when the commit is on disk (as
    /// far as the store's durability promises). Use it for many small concurrent writes; use
    /// ``write(_:)`` for a single writer or large batches.
    ///
    /// ```swift
    /// try await withThrowingTaskGroup(of: Void.self) { group in
    ///     for e in incoming { group.addTask { try tenant.writeGrouped { try $0.insert(e) } } }
    ///     try await group.waitForAll()
    /// }
    /// ```
    @discardableResult
    public func writeGrouped<T: Sendable>(_ body: @escaping @Sendable (TenantWriter) throws -> T) throws -> T {
        let request = GroupCommitter.Request { try body($0) }
        core.committer.submit(request) { group in
            do {
                try core.environment.write { txn in
                    for r in group {
                        do {
                            r.result = .success(try txn.nested { child in
                                let writer = TenantWriter(core: core, write: child, principal: principal, policy: policy)
                                try writer.begin()
                                let value = try r.body(writer)
                                try writer.finish()
                                return value
                            })
                        } catch let error as LMDBError where error.isMapFull {
                            throw error          // the whole group is retried after the map grows
                        } catch {
                            r.result = .failure(HosoError.wrap(error))
                        }
                    }
                }
            } catch {
                for r in group { r.result = .failure(HosoError.wrap(error)) }
            }
        }
        return try request.result.get() as! T
    }
}
