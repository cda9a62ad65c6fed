import Foundation

/// Bytes on disk.
enum Disk {
    /// The sum of the sizes of the regular files under `path` (a directory or one file).
    static func bytes(_ path: String) -> Int64 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        if !isDirectory.boolValue { return size(path) }
        var total: Int64 = 0
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            total += size(path + "/" + name)
        }
        return total
    }

    private static func size(_ path: String) -> Int64 {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return 0 }
        return Int64(st.st_size)
    }
}
