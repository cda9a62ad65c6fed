import Foundation
import Synchronization
import Testing
@testable import HosoStore

/// Where grouped writes run: asynchronous callers never hold a thread of the cooperative pool.
@Suite struct GroupCommitThreadTests {
    /// Whether bodies ran on a commit thread, shared by reference with the tasks.
    final class Names: Sendable {
        let seen = Mutex<Set<Bool>>([])
        func note() { seen.withLock { _ = $0.insert(GroupCommitter.isCommitThread) } }
        var all: Set<Bool> { seen.withLock { $0 } }
    }
    final class Flag: Sendable { let value = Atomic(false) }

    static func item(_ id: RecordID) -> Item { Item(id: id, group: 1, tag: "g", code: nil, start: 20_000, end: nil, amount: 1) }

    @Test func asyncBodiesRunOnTheCommitThread() async throws {
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        let names = Names()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 1...40 {
                group.addTask {
                    try await t.writeGrouped { w in
                        names.note()
                        try w.insert(Self.item(RecordID(i)))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(names.all == [true])
        #expect(try t.read { try $0.recordCount(Item.self) } == 40)
    }

    /// With the cooperative pool as wide as the machine, many grouped writes are waiting while
    /// one body blocks until another task gets to run. Callers that parked pool threads (a
    /// semaphore per caller, the leader on a pool thread) would starve that task: the body's
    /// wait would time out.
    // Other suites run in parallel and may hold cooperative threads for seconds on a loaded
    // machine; 60 s tells a writer that parks its thread (the gate never opens) from a slow pool.
    @Test func waitingWritersDoNotParkCooperativeThreads() async throws {
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        let gate = DispatchSemaphore(value: 0)
        let opened = Flag()
        let writers = 4 * max(2, ProcessInfo.processInfo.activeProcessorCount)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 1...writers {
                group.addTask {
                    try await t.writeGrouped { w in
                        if i == 1 { opened.value.store(gate.wait(timeout: .now() + 60) == .success, ordering: .relaxed) }
                        try w.insert(Self.item(RecordID(i)))
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(200))   // the writers are all queued or waiting by now
                gate.signal()
            }
            try await group.waitForAll()
        }
        let gateOpened = opened.value.load(ordering: .relaxed)
        #expect(gateOpened, "the task that opens the gate did not run while writers waited")
        #expect(try t.read { try $0.recordCount(Item.self) } == writers)
    }

    @Test func threadsLeadOnTheirOwnThreadAndEachRequestActsAsItsPrincipal() throws {
        let t = try temporaryStore().createTenant(TenantInfo(name: "t"), schema: Schema([Item.schema]))
        let alice = t.acting(as: Principal(name: "alice")), bob = t.acting(as: Principal(name: "bob"))
        let names = Names()
        let done = DispatchGroup()
        for n in 0..<8 {
            done.enter()
            let worker = Thread {
                defer { done.leave() }
                for i in 0..<20 {
                    let id = RecordID(n * 100 + i + 1)
                    _ = try? (n % 2 == 0 ? alice : bob).writeGrouped { w in
                        names.note()
                        try w.insert(Self.item(id))
                    }
                }
            }
            worker.start()
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(try t.read { try $0.recordCount(Item.self) } == 160)
        // Synchronous callers lead on their own threads: no commit thread was started.
        #expect(names.all == [false])
        // A request led by another caller still acts as its own principal.
        for change in try t.changes(after: 1, limit: 1000) {
            let id = try #require(change.recordIDs.first)
            #expect(change.actor == ((id - 1) / 100 % 2 == 0 ? "alice" : "bob"), "record \(id) was written as \(change.actor)")
        }
    }
}
