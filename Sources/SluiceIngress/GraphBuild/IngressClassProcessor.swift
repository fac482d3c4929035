/// Keeps the Ingresses of our class (`IngressClassSelection`), oldest first (`IngressAge`): the
/// order in which every later processor lets them claim hosts, paths and the default backend.
struct IngressClassProcessor: IngressGraphProcessor {
    func run(_ build: inout IngressGraphBuild) {
        let selection = IngressClassSelection(classes: build.snapshot.ingressClasses, options: build.options)
        let served = build.snapshot.ingresses.filter(selection.isServed).sorted(by: IngressAge.isOlder)
        build.ingresses = served.enumerated().map { ServedIngress(rank: $0.offset, ingress: $0.element) }
    }
}
