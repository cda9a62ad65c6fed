/// Every index kind the engine keeps, by its maintainer. Adding a kind is a new maintainer file
/// in this folder (declaring its ``IndexDefinition/Kind`` and questions) and one line here.
enum IndexRegistry {
    static let maintainers: [any IndexMaintainer.Type] = [
        ValueIndex.self,
        UniqueIndex.self,
        CountIndex.self,
        DatedCountIndex.self,
        RunningCountIndex.self,
        IntervalIndex.self,
        TransitionIndex.self,
    ]

    private static let byKind: [IndexDefinition.Kind: any IndexMaintainer.Type] =
        Dictionary(uniqueKeysWithValues: maintainers.map { ($0.kind, $0) })

    /// The maintainer of indexes of `kind`.
    static func maintainer(for kind: IndexDefinition.Kind) -> (any IndexMaintainer.Type)? { byKind[kind] }

    /// The maintainer of `index` in `schema`: the schema's transition index is kept by the
    /// transition maintainer whatever kind it was declared with (a value index keyed by day).
    static func maintainer(for index: IndexDefinition, in schema: RecordSchema) -> (any IndexMaintainer.Type)? {
        index === schema.transitionIndex ? TransitionIndex.self : maintainer(for: index.kind)
    }
}
