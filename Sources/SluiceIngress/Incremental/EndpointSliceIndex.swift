import KubeModels

/// EndpointSlices by the `namespace/name` of their Service, kept from call to call: a change
/// moves only the slices it names (``ChangedKeys/endpointSlices``).
struct EndpointSliceIndex {
    /// Each slice's Service, by the slice's `namespace/name`.
    private var serviceOf: [String: String] = [:]
    /// Each Service's slices, by `namespace/name`.
    private var slicesOf: [String: SmallSet<String>] = [:]

    init(_ slices: ObjectMap<EndpointSlice>) {
        for (key, slice) in slices { insert(key, slice) }
    }

    /// Takes in the slices `keys` as they now are in `slices` (absent: deleted).
    mutating func update(_ keys: Set<String>, in slices: ObjectMap<EndpointSlice>) {
        for key in keys {
            if let service = serviceOf.removeValue(forKey: key) { slicesOf.remove(key, at: service) }
            if let slice = slices[key] { insert(key, slice) }
        }
    }

    /// The Service's slices in name order (all of one namespace: key order is name order).
    func slices(of service: String, in slices: ObjectMap<EndpointSlice>) -> [EndpointSlice] {
        guard let keys = slicesOf[service] else { return [] }
        return keys.sorted().compactMap { slices[$0] }
    }

    private mutating func insert(_ key: String, _ slice: EndpointSlice) {
        guard let service = slice.serviceName else { return }
        let serviceKey = "\(ClusterInputs.namespace(slice.metadata))/\(service)"
        serviceOf[key] = serviceKey
        slicesOf.insert(key, at: serviceKey)
    }
}
