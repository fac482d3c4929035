import SluiceIngress
import Testing

@testable import SluiceController

@Suite struct ReflectorPlanTests {
    @Test func everyKindTranslationReadsIsReflected() {
        let names = ReflectorPlan.all(for: ControllerConfiguration()).map(\.name)
        #expect(names == ["ingresses", "ingressclasses", "services", "endpointslices", "secrets", "opaque-secrets"])
    }

    @Test func aPublishServiceOutsideTheWatchedNamespaceGetsItsOwnReflector() {
        let configuration = ControllerConfiguration(
            translation: TranslationOptions(watchNamespace: "shop"),
            statusAddresses: .service(namespace: "sluice-system", name: "sluice"))
        let names = ReflectorPlan.all(for: configuration).map(\.name)
        #expect(names.last == "publish-service")
        #expect(Set(names).count == names.count)
    }

    @Test func aPublishServiceInsideTheWatchedNamespaceIsReadFromTheServicesReflector() {
        let configuration = ControllerConfiguration(
            translation: TranslationOptions(watchNamespace: "sluice-system"),
            statusAddresses: .service(namespace: "sluice-system", name: "sluice"))
        #expect(!ReflectorPlan.all(for: configuration).map(\.name).contains("publish-service"))
    }

    @Test func aDefaultCertificateOutsideTheWatchedNamespaceGetsItsOwnReflector() {
        let outside = ControllerConfiguration(
            translation: TranslationOptions(watchNamespace: "shop", defaultCertificateSecret: "sluice-system/fallback"))
        #expect(ReflectorPlan.all(for: outside).map(\.name).last == "default-certificate")

        let inside = ControllerConfiguration(
            translation: TranslationOptions(watchNamespace: "shop", defaultCertificateSecret: "shop/fallback"))
        let everywhere = ControllerConfiguration(translation: TranslationOptions(defaultCertificateSecret: "sluice-system/fallback"))
        #expect(!ReflectorPlan.all(for: inside).map(\.name).contains("default-certificate"))
        #expect(!ReflectorPlan.all(for: everywhere).map(\.name).contains("default-certificate"))
    }
}
