import KubeModels
import Testing

/// The cache's sharded map behaves as the dictionary it stands for.
@Suite struct ObjectMapTests {
    @Test func itActsAsADictionary() {
        var map = ObjectMap<Int>()
        var reference: [String: Int] = [:]
        var random = SystemRandomNumberGenerator()
        for step in 0..<2000 {
            let key = "ns\(Int.random(in: 0..<5, using: &random))/o\(Int.random(in: 0..<300, using: &random))"
            switch Int.random(in: 0..<3, using: &random) {
            case 0: map[key] = nil; reference[key] = nil
            case 1: #expect(map.removeValue(forKey: key) == reference.removeValue(forKey: key))
            default: map[key] = step; reference[key] = step
            }
            #expect(map[key] == reference[key])
        }
        #expect(map.count == reference.count)
        #expect(map.dictionary == reference)
        #expect(Dictionary(uniqueKeysWithValues: map.map { ($0.key, $0.value) }) == reference)
        #expect(Set(map.keys) == Set(reference.keys))
        #expect(map.values.sorted() == reference.values.sorted())
        #expect(map == ObjectMap(reference))
        #expect(map.hashValue == ObjectMap(reference).hashValue)
    }

    @Test func aCopyIsIndependent() {
        var map: ObjectMap<Int> = ["a/x": 1, "a/y": 2]
        let snapshot = map
        map["a/x"] = 3
        map["b/z"] = 4
        #expect(snapshot["a/x"] == 1 && snapshot["b/z"] == nil && snapshot.count == 2)
        #expect(map["a/x"] == 3 && map.count == 3)
        #expect(map != snapshot)
    }
}
