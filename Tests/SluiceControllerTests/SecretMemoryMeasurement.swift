import Foundation
import KubeModels
import SluiceTestSupport
import Testing

@testable import SluiceController

/// What the cache holds of 5,000 TLS Secrets of which 50 are referenced, before the first
/// reconcile (everything, as before Secret retention) and after it. Bytes are estimated from
/// what is kept: the base64 `data` values and keys, and the annotations. Prints the figures.
@Suite struct SecretMemoryMeasurement {
    static let secretCount = 5_000
    static let referencedCount = 50

    @Test func fiveThousandSecretsFiftyReferenced() async throws {
        // One RSA-2048 certificate and key, the common size; every Secret carries a copy.
        let leaf = try TestCertificateAuthority().issue(dnsNames: ["app.example.com"], keyAlgorithm: .rsa2048)
        let secrets = (0..<Self.secretCount).map { index in
            leaf.secret(namespace: "apps", name: "tls-\(index)", resourceVersion: String(index + 1))
        }
        let cache = ObjectCache(reflectors: ["secrets"])
        await cache.replace(secrets, in: \ClusterObjects.secrets, reflector: "secrets")
        let before = Self.heldBytes(await cache.objects)

        let referenced = Set((0..<Self.referencedCount).map { "apps/tls-\($0 * 100)" })
        await cache.reference(referenced)
        let objects = await cache.objects
        let after = Self.heldBytes(objects)

        print("""
            SecretMemoryMeasurement: \(Self.secretCount) TLS Secrets (RSA-2048), \(Self.referencedCount) referenced: \
            data held before \(before) bytes (\(before / Self.secretCount) per Secret), \
            after \(after) bytes; \(objects.secrets.count) Secrets known, \(objects.withheldSecrets.count) as stubs
            """)
        #expect(objects.secrets.count == Self.secretCount)
        #expect(objects.withheldSecrets.count == Self.secretCount - Self.referencedCount)
        #expect(objects.secrets.values.filter { $0.data != nil }.map(\.namespacedName).sorted() == referenced.sorted())
        #expect(after * Self.secretCount == before * Self.referencedCount)
        #expect(objects.snapshot.secrets.count == Self.referencedCount)
    }

    /// The bytes of Secret contents the cache holds: `data`/`stringData` keys and values, and
    /// annotations.
    static func heldBytes(_ objects: ClusterObjects) -> Int {
        objects.secrets.values.reduce(0) { total, secret in
            let maps = [secret.data, secret.stringData, secret.metadata.annotations].compactMap { $0 }
            return total + maps.reduce(0) { sum, map in
                sum + map.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
            }
        }
    }
}
