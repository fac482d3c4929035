import KubeModels
import SluiceManifests
import Testing

@Suite("Manifest parsing")
struct ManifestParsingTests {
    static let ingressAndService = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            sluice.io/proxy-buffering: off
        spec:
          rules:
            - host: foo.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: team-a
        spec:
          ports:
            - name: http
              port: 80
              targetPort: http
        ---
        # an empty document, as helm often leaves
        ---
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: sluice
        spec:
          controller: sluice.io/ingress-controller
        """

    @Test func multipleDocumentsKnownKindsOnly() throws {
        let (objects, errors) = ManifestLoader.parse(yaml: Self.ingressAndService, file: "app.yaml")
        #expect(errors.isEmpty)
        #expect(objects.count == 3)
        guard case .ingress(let ingress) = objects[0], case .service(let service) = objects[1],
              case .ingressClass(let ingressClass) = objects[2]
        else {
            Issue.record("unexpected objects \(objects)")
            return
        }
        #expect(ingress.metadata.namespace == "default")
        #expect(ingress.metadata.annotations?["sluice.io/proxy-buffering"] == "off")
        #expect(ingress.spec?.rules?.first?.http?.paths.first?.pathType == .prefix)
        #expect(service.metadata.namespace == "team-a")
        #expect(service.spec?.ports?.first?.targetPort == .string("http"))
        #expect(ingressClass.metadata.namespace == nil)
        #expect(ingressClass.spec?.controller == "sluice.io/ingress-controller")
    }

    @Test func listKindsExpandTheirItems() {
        let yaml = """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Service
                metadata: {name: a}
                spec: {ports: [{port: 80, targetPort: 8080}]}
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: skipped}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSliceList
            items:
              - metadata:
                  name: a-1
                  labels: {kubernetes.io/service-name: a}
                addressType: IPv4
                endpoints: [{addresses: [127.0.0.1]}]
                ports: [{port: 8080}]
            """
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: "list.yaml")
        #expect(errors.isEmpty)
        #expect(objects.count == 2)
        if case .service(let service) = objects.first {
            #expect(service.spec?.ports?.first?.targetPort == .int(8080))
        } else {
            Issue.record("expected a Service first")
        }
        if case .endpointSlice(let slice) = objects.last {
            #expect(slice.serviceName == "a")
            #expect(slice.endpoints?.first?.addresses == ["127.0.0.1"])
        } else {
            Issue.record("expected an EndpointSlice last")
        }
    }

    @Test func malformedYAMLNamesFileDocumentAndLine() throws {
        let yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: ok}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: [unclosed
            """
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: "broken.yaml")
        #expect(objects.count == 1)
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.file == "broken.yaml")
        #expect(error.document == 2)
        #expect(error.line != nil)
        #expect(error.message.hasPrefix("malformed YAML"))
        #expect(error.description.hasPrefix("broken.yaml: document 2"))
    }

    @Test(arguments: [
        ("host: 123", "spec.rules[0].host", "expected a string"),
        ("host: {a: b}", "spec.rules[0].host", "expected a string"),
    ])
    func wrongFieldTypeNamesTheField(hostLine: String, field: String, message: String) throws {
        let yaml = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules:
                - \(hostLine)
            """
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: "ingress.yaml")
        #expect(objects.isEmpty)
        let error = try #require(errors.first)
        #expect(error.field == field)
        #expect(error.message == message)
        #expect(error.line == 6)
        #expect(error.description == "ingress.yaml: document 1 (line 6): \(field): \(message)")
    }

    @Test func invalidPathTypeNamesTheNestedField() throws {
        let yaml = """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules:
                - http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                      - {path: /x, pathType: Regex, backend: {service: {name: web, port: {number: 80}}}}
            """
        let (_, errors) = ManifestLoader.parse(yaml: yaml, file: "ingress.yaml")
        let error = try #require(errors.first)
        #expect(error.document == 2)
        #expect(error.field == "spec.rules[0].http.paths[1].pathType")
        #expect(error.message.contains("Exact, Prefix or ImplementationSpecific"))
    }

    @Test func unquotedNumberAnnotationIsAnErrorLikeKubectl() throws {
        let yaml = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              annotations:
                sluice.io/proxy-read-timeout: 3600
            """
        let (_, errors) = ManifestLoader.parse(yaml: yaml, file: "i.yaml")
        let error = try #require(errors.first)
        #expect(error.field == #"metadata.annotations["sluice.io/proxy-read-timeout"]"#)
        #expect(error.message == "expected a string")
    }

    @Test func missingNameIsAnError() throws {
        let yaml = """
            apiVersion: v1
            kind: Service
            metadata:
              namespace: default
            spec: {ports: [{port: 80}]}
            """
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: "svc.yaml")
        #expect(objects.isEmpty)
        let error = try #require(errors.first)
        #expect(error.field == "metadata.name")
    }

    @Test func missingMetadataIsAnError() throws {
        let (objects, errors) = ManifestLoader.parse(yaml: "apiVersion: v1\nkind: Secret\ntype: Opaque\n", file: "s.yaml")
        #expect(objects.isEmpty)
        #expect(try #require(errors.first).field == "metadata")
    }

    @Test func wrongAPIVersionForAKnownKindIsAnError() throws {
        let yaml = """
            apiVersion: extensions/v1beta1
            kind: Ingress
            metadata: {name: old}
            """
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: "old.yaml")
        #expect(objects.isEmpty)
        let error = try #require(errors.first)
        #expect(error.field == "apiVersion")
        #expect(error.message == "Ingress must be networking.k8s.io/v1, not extensions/v1beta1")
    }

    @Test func documentWithoutKindOrNotAMappingIsAnError() {
        let (_, errors) = ManifestLoader.parse(yaml: "metadata: {name: x}\n---\n- a\n- b\n", file: "x.yaml")
        #expect(errors.map(\.document) == [1, 2])
        #expect(errors.first?.field == "kind")
    }

    @Test func apiListItemsWithoutKindDecodeAsJSONWould() throws {
        // A LIST item as the API server sends it: no kind, no apiVersion, unknown fields.
        let yaml = """
            kind: IngressList
            apiVersion: networking.k8s.io/v1
            metadata: {resourceVersion: "9528"}
            items:
              - metadata: {name: a, namespace: x, uid: u1, managedFields: [{manager: kubectl}]}
                spec: {ingressClassName: sluice}
                status: {loadBalancer: {ingress: [{ip: 192.0.2.10}]}}
            """
        let (objects, errors) = ManifestLoader.parse(yaml: yaml, file: "list.yaml")
        #expect(errors.isEmpty)
        guard case .ingress(let ingress) = try #require(objects.first) else {
            Issue.record("expected an Ingress")
            return
        }
        #expect(ingress.kind == nil)
        #expect(ingress.status?.loadBalancer?.ingress?.first?.ip == "192.0.2.10")
    }
}
