import Foundation
import LMDB
import Synchronization

/// Gathers write requests from concurrent callers into one LMDB commit: one thread at a time
/// leads, runs every queued request in its own nested transaction (so a failing request is
/// undone alone, and each runs as its own principal), commits once, and completes the others.
/// One fsync then serves many writers.
///
/// Who leads: a caller of the synchronous `Tenant.writeGrouped` leads on its own
/// thread when no commit is running (it would block anyway); when an asynchronous caller finds
/// no commit running, a dedicated commit thread (``isCommitThread``) is started to lead, and
/// ends when the queue is empty. Asynchronous callers only enqueue and suspend, so no thread of
/// Swift's cooperative pool waits for a commit or runs one.
final class GroupCommitter: Sendable {
    /// The name given to commit threads.
    static let threadName = "hoso-commit"
    private static let threadKey = "hoso.groupCommit"

    /// Whether the calling thread is a commit thread started for asynchronous callers.
    static var isCommitThread: Bool { Thread.current.threadDictionary[threadKey] as? Bool == true }

    final class Request: @unchecked Sendable {
        let body: @Sendable (borrowing TenantWriter) throws -> any Sendable
        let principal: Principal
        let policy: any AccessPolicy
        /// The sealing keys of the handle that asked.
        let keys: Keyring?
        var result: Result<any Sendable, any Error> = .failure(CancellationError())
        /// Set by an asynchronous caller before it is enqueued; otherwise the caller waits on `done`.
        var continuation: CheckedContinuation<any Sendable, any Error>?
        let done = DispatchSemaphore(value: 0)

        init(principal: Principal, policy: any AccessPolicy, keys: Keyring? = nil,
             _ body: @escaping @Sendable (borrowing TenantWriter) throws -> any Sendable) {
            self.principal = principal; self.policy = policy; self.keys = keys; self.body = body
        }

        func complete() {
            if let continuation { continuation.resume(with: result) } else { done.signal() }
        }
    }

    private struct State {
        var queue: [Request] = []
        var leading = false
    }
    private let state = Mutex(State())
    /// The most requests one commit takes.
    let maximumGroup = 512

    /// Enqueues `request`. Returns whether the caller must lead (no commit was running).
    private func enqueue(_ request: Request) -> Bool {
        state.withLock { s -> Bool in
            s.queue.append(request)
            if s.leading { return false }
            s.leading = true
            return true
        }
    }

    /// Runs groups with `run` until the queue is empty, completing every request of each group.
    private func lead(_ run: ([Request]) -> Void) {
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
            for r in group { r.complete() }
        }
    }

    /// Synchronous callers: lead on this thread, or wait on it until a leader has run the request.
    func submit(_ request: Request, run: ([Request]) -> Void) {
        if enqueue(request) { lead(run) } else { request.done.wait() }
    }

    /// Asynchronous callers: suspend until a leader (a thread started here when none runs) has
    /// run the request.
    func submit(_ request: Request, run: @escaping @Sendable ([Request]) -> Void) async throws -> any Sendable {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            request.continuation = continuation
            if enqueue(request) {
                let thread = Thread {
                    Thread.current.threadDictionary[Self.threadKey] = true
                    self.lead(run)
                }
                thread.name = Self.threadName
                thread.start()
            }
        }
    }
}

extension TenantCore {
    /// Runs a group of requests in one write transaction, each in its own nested transaction.
    func commit(_ group: [GroupCommitter.Request]) {
        do {
            try environment.write { txn in
                for r in group {
                    do {
                        r.result = .success(try txn.nested { child in
                            try run(in: child, principal: r.principal, policy: r.policy, keys: r.keys) { writer in try r.body(writer) }
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
}

extension Tenant {
    /// Writes with group commit, blocking the calling thread: concurrent callers' bodies are
    /// gathered into one transaction and one durable commit, each in its own nested transaction,
    /// so a body that throws is undone alone and only its caller sees the error. Returns when
    /// the commit is on disk (as far as the store's durability promises). Use it from threads;
    /// from async code use the `async` form, which does
    /// not block a thread of Swift's cooperative pool. Use ``write(_:)`` for a single writer or
    /// large batches.
    ///
    /// The body runs on the thread of whichever caller leads the group (this one when no commit
    /// is running), or on a commit thread started for asynchronous callers.
    ///
    /// ```swift
    /// let done = DispatchGroup()
    /// let threads = (10..<26).map { i in
    ///     Thread {
    ///         let note = Note(id: RecordID(i), author: "bot", tag: "log", slug: "log-\(i)", written: Day(year: 2025, month: 7, day: 1)!)
    ///         _ = try? tenant.writeGrouped { try $0.insert(note) }
    ///         done.leave()
    ///     }
    /// }
    /// threads.forEach { done.enter(); $0.start() }
    /// done.wait()
    /// print(try tenant.read { try $0.recordCount(Note.self) })   // 19
    /// ```
    @discardableResult
    public func writeGrouped<T: Sendable>(_ body: @escaping @Sendable (borrowing TenantWriter) throws -> T) throws -> T {
        let request = GroupCommitter.Request(principal: principal, policy: policy, keys: keys) { try body($0) }
        let core = self.core
        core.committer.submit(request) { group in core.commit(group) }
        return try request.result.get() as! T
    }

    /// Writes with group commit from async code, like the synchronous `writeGrouped` but
    /// suspending instead of blocking: the caller's task waits for the commit without holding a
    /// thread. The body runs on the thread leading the group: a caller of the synchronous form,
    /// or a commit thread (`hoso-commit`) started when no commit is running — never a thread of
    /// Swift's cooperative pool.
    ///
    /// ```swift
    /// let incoming = (10..<20).map { i in
    ///     Note(id: RecordID(i), author: "bot", tag: "log", slug: "log-\(i)", written: Day(year: 2025, month: 7, day: 1)!)
    /// }
    /// try await withThrowingTaskGroup(of: Void.self) { group in
    ///     for note in incoming { group.addTask { try await tenant.writeGrouped { try $0.insert(note) } } }
    ///     try await group.waitForAll()
    /// }
    /// print(try tenant.read { try $0.recordCount(Note.self) })   // 13
    /// ```
    @discardableResult
    public func writeGrouped<T: Sendable>(_ body: @escaping @Sendable (borrowing TenantWriter) throws -> T) async throws -> T {
        let request = GroupCommitter.Request(principal: principal, policy: policy, keys: keys) { try body($0) }
        let core = self.core
        return try await core.committer.submit(request) { group in core.commit(group) } as! T
    }
}
