import CSQLite
import HosoDomain

/// What a registered module carries to its C callbacks: the table definition and the scope of
/// the connection. Kept alive by the ``SQLEngine`` that registered it.
final class ModuleBox {
    let table: VirtualTable
    let scope: SQLScope
    init(table: VirtualTable, scope: SQLScope) { self.table = table; self.scope = scope }
}

/// A cursor's state: the rows one `xFilter` produced and the position in them.
final class CursorState {
    var rows: (any VirtualRows)?
    var position = 0
}

/// The SQLite virtual-table module every Hoso table is registered with (eponymous-only: the
/// table exists in every connection under its own name, no CREATE VIRTUAL TABLE needed).
enum VirtualTableModule {
    static func box(_ vtab: UnsafeMutablePointer<sqlite3_vtab>?) -> ModuleBox {
        let raw = UnsafeMutableRawPointer(vtab!).assumingMemoryBound(to: hoso_vtab.self)
        return Unmanaged<ModuleBox>.fromOpaque(raw.pointee.owner).takeUnretainedValue()
    }

    static func cursor(_ c: UnsafeMutablePointer<sqlite3_vtab_cursor>?) -> CursorState {
        let raw = UnsafeMutableRawPointer(c!).assumingMemoryBound(to: hoso_cursor.self)
        return Unmanaged<CursorState>.fromOpaque(raw.pointee.owner).takeUnretainedValue()
    }

    /// A copy of `text` in memory SQLite frees (error messages, idxStr).
    static func sqliteString(_ text: String) -> UnsafeMutablePointer<CChar>? {
        let bytes = Array(text.utf8CString)
        guard let p = sqlite3_malloc(Int32(bytes.count)) else { return nil }
        let out = p.assumingMemoryBound(to: CChar.self)
        bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: bytes.count) }
        return out
    }

    static func setError(_ vtab: UnsafeMutablePointer<sqlite3_vtab>?, _ message: String) {
        guard let vtab else { return }
        if let old = vtab.pointee.zErrMsg { sqlite3_free(old) }
        vtab.pointee.zErrMsg = sqliteString(message)
    }

    static func op(_ code: Int32) -> ConstraintOperator? {
        switch code {
        case Int32(SQLITE_INDEX_CONSTRAINT_EQ): .eq
        case Int32(SQLITE_INDEX_CONSTRAINT_LT): .lt
        case Int32(SQLITE_INDEX_CONSTRAINT_LE): .le
        case Int32(SQLITE_INDEX_CONSTRAINT_GT): .gt
        case Int32(SQLITE_INDEX_CONSTRAINT_GE): .ge
        default: nil
        }
    }

    /// The module's function table (one per engine, freed with it).
    static func make() -> UnsafeMutablePointer<sqlite3_module> {
        let m = UnsafeMutablePointer<sqlite3_module>.allocate(capacity: 1)
        m.initialize(to: sqlite3_module())
        m.pointee.iVersion = 1
        m.pointee.xCreate = nil  // eponymous only
        m.pointee.xConnect = { db, aux, _, _, ppVTab, _ in
            let box = Unmanaged<ModuleBox>.fromOpaque(aux!).takeUnretainedValue()
            let rc = sqlite3_declare_vtab(db, box.table.ddl())
            guard rc == SQLITE_OK else { return rc }
            guard let p = sqlite3_malloc(Int32(MemoryLayout<hoso_vtab>.size)) else { return SQLITE_NOMEM }
            let v = p.assumingMemoryBound(to: hoso_vtab.self)
            v.initialize(to: hoso_vtab())
            v.pointee.owner = aux
            ppVTab!.pointee = UnsafeMutableRawPointer(v).assumingMemoryBound(to: sqlite3_vtab.self)
            return SQLITE_OK
        }
        m.pointee.xDisconnect = { vtab in sqlite3_free(vtab); return SQLITE_OK }
        m.pointee.xDestroy = { vtab in sqlite3_free(vtab); return SQLITE_OK }
        m.pointee.xBestIndex = { vtab, info in
            let box = VirtualTableModule.box(vtab)
            if let refusal = VirtualTableModule.refusal(box, colUsed: info!.pointee.colUsed) {
                VirtualTableModule.setError(vtab, refusal.message)
                return SQLITE_ERROR
            }
            VirtualTableModule.bestIndex(box, info!)
            return SQLITE_OK
        }
        m.pointee.xOpen = { _, ppCursor in
            guard let p = sqlite3_malloc(Int32(MemoryLayout<hoso_cursor>.size)) else { return SQLITE_NOMEM }
            let c = p.assumingMemoryBound(to: hoso_cursor.self)
            c.initialize(to: hoso_cursor())
            c.pointee.owner = Unmanaged.passRetained(CursorState()).toOpaque()
            ppCursor!.pointee = UnsafeMutableRawPointer(c).assumingMemoryBound(to: sqlite3_vtab_cursor.self)
            return SQLITE_OK
        }
        m.pointee.xClose = { cursor in
            let raw = UnsafeMutableRawPointer(cursor!).assumingMemoryBound(to: hoso_cursor.self)
            Unmanaged<CursorState>.fromOpaque(raw.pointee.owner).release()
            sqlite3_free(cursor)
            return SQLITE_OK
        }
        m.pointee.xFilter = { cursor, _, idxStr, argc, argv in
            let vtab = cursor!.pointee.pVtab
            let box = VirtualTableModule.box(vtab)
            let state = VirtualTableModule.cursor(cursor)
            let description = idxStr.map { String(cString: $0) } ?? ""
            var args: [Value] = []
            for i in 0..<Int(argc) { args.append(SQLEngine.value(argv![i])) }
            do {
                state.rows = try VirtualTableModule.filter(box, description, args)
                state.position = 0
                return SQLITE_OK
            } catch let error as QueryError {
                VirtualTableModule.setError(vtab, error.message)
                return error.message.hasPrefix("cancelled") ? SQLITE_INTERRUPT : SQLITE_ERROR
            } catch {
                VirtualTableModule.setError(vtab, "\(box.table.name): \(error)")
                return SQLITE_ERROR
            }
        }
        m.pointee.xNext = { cursor in
            let s = VirtualTableModule.cursor(cursor)
            s.position += 1
            if let rows = s.rows, s.position >= rows.count {
                do { if try rows.fetchMore() { s.position = 0 } } catch {
                    VirtualTableModule.setError(cursor!.pointee.pVtab, (error as? QueryError)?.message ?? "\(error)")
                    return Interruption.requested || (error as? QueryError)?.message.hasPrefix("cancelled") == true ? SQLITE_INTERRUPT : SQLITE_ERROR
                }
            }
            return SQLITE_OK
        }
        m.pointee.xEof = { cursor in
            let s = VirtualTableModule.cursor(cursor)
            return s.position >= (s.rows?.count ?? 0) ? 1 : 0
        }
        m.pointee.xColumn = { cursor, ctx, column in
            let s = VirtualTableModule.cursor(cursor)
            guard let rows = s.rows else { sqlite3_result_null(ctx); return SQLITE_OK }
            SQLEngine.result(ctx, rows.value(row: s.position, column: Int(column)))
            return SQLITE_OK
        }
        m.pointee.xRowid = { cursor, rowid in
            let s = VirtualTableModule.cursor(cursor)
            rowid!.pointee = s.rows?.rowid(s.position) ?? 0
            return SQLITE_OK
        }
        return m
    }

    // MARK: Access

    /// The error when the statement uses columns (any bit of SQLite's `colUsed`: outputs,
    /// conditions, ordering) that the principal may not read (an analyst and personal fields).
    static func refusal(_ box: ModuleBox, colUsed: sqlite3_uint64) -> QueryError? {
        let names = box.table.columnNames
        guard !PersonalReads.withheld(in: box.table.name).isEmpty else { return nil }
        let used = names.indices.filter { i in colUsed & (1 << UInt64(min(i, 63))) != 0 }.map { names[$0] }
        return PersonalReads.refusal(of: used, in: box.table.name, allColumns: names, program: box.scope.context.program)
    }

    // MARK: Index choice

    /// Picks the access with the fewest expected rows among those whose required keys SQLite
    /// offers usable constraints on; tells SQLite which constraint values to pass (in key
    /// order), its cost and rows, and whether the rows come in the ORDER BY's order.
    static func bestIndex(_ box: ModuleBox, _ info: UnsafeMutablePointer<sqlite3_index_info>) {
        let table = box.table, scope = box.scope
        let n = Int(info.pointee.nConstraint)
        let constraints = (0..<n).map { info.pointee.aConstraint[$0] }
        var total = 1000.0
        if let snapshot = scope.snapshot { total = max(1, (try? table.rowCount(snapshot.pointee, scope)) ?? 1000) }
        // Usable constraints per column name.
        var usable: [String: [(Int, ConstraintOperator)]] = [:]
        for (i, c) in constraints.enumerated() where c.usable != 0 && c.iColumn >= 0 {
            guard let op = op(Int32(c.op)) else { continue }
            usable[table.columnNames[Int(c.iColumn)], default: []].append((i, op))
        }
        var best: (access: VirtualAccess?, rows: Double, used: [(Int, String, ConstraintOperator)]) = (nil, total, [])
        for access in table.accesses where access.available(scope) {
            var used: [(Int, String, ConstraintOperator)] = []
            var ops: [String: Set<ConstraintOperator>] = [:]
            var possible = true
            for key in access.keys {
                let offered = (usable[key.column] ?? []).filter { key.operators.contains($0.1) }
                // An `=` is enough; otherwise take every range bound.
                let chosen = offered.first { $0.1 == .eq }.map { [$0] } ?? offered
                if chosen.isEmpty { if key.required { possible = false; break } else { continue } }
                for (i, op) in chosen { used.append((i, key.column, op)); ops[key.column, default: []].insert(op) }
            }
            guard possible else { continue }
            let rows = max(1, access.estimate(total, ops, scope))
            if rows < best.rows { best = (access, rows, used) }
        }
        var parts: [String] = [best.access?.name ?? "scan"]
        for (argv, (i, column, op)) in best.used.enumerated() {
            info.pointee.aConstraintUsage[i].argvIndex = Int32(argv + 1)
            info.pointee.aConstraintUsage[i].omit = 0
            parts.append(column + op.rawValue)
        }
        info.pointee.idxNum = 0
        info.pointee.idxStr = sqliteString(parts.joined(separator: " "))
        info.pointee.needToFreeIdxStr = 1
        info.pointee.estimatedRows = Int64(best.rows.rounded(.up))
        // A record read by key costs about as much as one read in a scan; an index adds its lookup.
        info.pointee.estimatedCost = best.access == nil ? total : best.rows + 10
        if best.access?.name.hasSuffix(".id") == true || best.access?.name == "persons.byNationalID" {
            info.pointee.idxFlags |= Int32(SQLITE_INDEX_SCAN_UNIQUE)
        }
        // ORDER BY one column the rows already come sorted by (scans by id, a date range).
        let orderedBy = best.access == nil ? table.scanOrder : (best.used.allSatisfy { $0.2 != .eq } ? best.access?.orderedBy : nil)
        if info.pointee.nOrderBy == 1, let orderedBy, let column = table.columnNames.firstIndex(of: orderedBy) {
            let o = info.pointee.aOrderBy[0]
            if o.iColumn == Int32(column) && o.desc == 0 { info.pointee.orderByConsumed = 1 }
        }
    }

    // MARK: Rows

    static func filter(_ box: ModuleBox, _ description: String, _ args: [Value]) throws -> any VirtualRows {
        guard let snapshot = box.scope.snapshot else {
            throw QueryError("\(box.table.name) was read outside a statement's snapshot", location: nil)
        }
        let parts = description.split(separator: " ").map(String.init)
        let access = parts.first.flatMap { $0 == "scan" ? nil : $0 }
        var bounds: [String: [(ConstraintOperator, Value)]] = [:]
        for (part, value) in zip(parts.dropFirst(), args) {
            // Longest operator first: "start>=" is start, ">=".
            for op in [ConstraintOperator.le, .ge, .eq, .lt, .gt] where part.hasSuffix(op.rawValue) {
                bounds[String(part.dropLast(op.rawValue.count)), default: []].append((op, value))
                break
            }
        }
        let entry = "\(box.table.name): " + (access.map { "index \($0) (" + parts.dropFirst().joined(separator: " ") + ")" } ?? "full scan")
        if !box.scope.used.contains(entry) { box.scope.used.append(entry) }
        return try box.table.open(VirtualRequest(access: access, bounds: bounds), snapshot.pointee, box.scope)
    }
}
