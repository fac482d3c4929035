/// Which response media types gzip is worth running on: text and the structured text formats
/// (JSON, XML, JavaScript, SVG, web fonts that are not compressed already), as in
/// ingress-nginx's default `gzip-types`. Images, video, archives and `woff2` are compressed
/// already, and gzipping them spends CPU to make them larger.
enum CompressibleMediaType {
    private static let types: Set<String> = [
        "application/atom+xml", "application/javascript", "application/x-javascript", "application/json",
        "application/rss+xml", "application/vnd.ms-fontobject", "application/x-font-ttf",
        "application/x-web-app-manifest+json", "application/manifest+json", "application/xhtml+xml",
        "application/xml", "font/opentype", "font/otf", "font/ttf", "image/svg+xml", "image/x-icon",
        "image/vnd.microsoft.icon",
    ]

    /// Whether a response with this `Content-Type` value is compressed. `text/event-stream` is
    /// text too; event streams never reach the compressor.
    static func allows(contentType: String) -> Bool {
        let essence = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .trimmingSpaces().lowercased()
        if essence.hasPrefix("text/") { return essence.count > "text/".count }
        return types.contains(essence)
            || (essence.hasPrefix("application/") && (essence.hasSuffix("+json") || essence.hasSuffix("+xml")))
    }
}
