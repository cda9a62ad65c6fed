import Foundation

/// A closure to run on another thread, and its result.
private final class SmallStackJob: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Runs `body` on a new thread with a stack of `bytes` (512 KiB by default, the smallest stack a
/// statement may be run on) and waits for it: a recursion that needs more ends the test process.
func onSmallStack<T, E: Error>(_ bytes: Int = 512 << 10, _ body: @escaping () throws(E) -> T) throws(E) -> T {
    var result: Result<T, E>?
    let job = SmallStackJob {
        do throws(E) { result = .success(try body()) } catch { result = .failure(error) }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, bytes)
    #if canImport(Darwin)
    var thread: pthread_t?
    #else
    var thread = pthread_t()
    #endif
    let context = Unmanaged.passRetained(job).toOpaque()
    let created = pthread_create(&thread, &attributes, { context in
        Unmanaged<SmallStackJob>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, context)
    precondition(created == 0, "pthread_create failed: \(created)")
    #if canImport(Darwin)
    pthread_join(thread!, nil)
    #else
    pthread_join(thread, nil)
    #endif
    return try result!.get()
}
