import Foundation
import SwiftASN1

/// The PEM blocks of a text, read as leniently as OpenSSL reads them: text around blocks is
/// ignored, base64 lines may have any length and CRLF endings. (SwiftASN1's own parser insists
/// on 64-character lines, which not every tool that writes Secrets keeps to.)
enum PEMBlocks {
    struct Block: Sendable {
        var document: PEMDocument
        /// A legacy encrypted key (`Proc-Type: 4,ENCRYPTED` header).
        var isEncrypted: Bool
    }

    /// Each well-formed block; one whose base64 does not decode or whose END does not match
    /// its BEGIN is left out.
    static func read(_ text: String) -> [Block] {
        var blocks: [Block] = []
        var open: (type: Substring, body: String, encrypted: Bool)?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if let type = marker("-----BEGIN ", in: line) {
                open = (Substring(type), "", false)
            } else if let type = marker("-----END ", in: line) {
                if let block = open, block.type == type,
                    let der = Data(base64Encoded: block.body), !der.isEmpty
                {
                    blocks.append(Block(document: PEMDocument(type: String(type), derBytes: Array(der)), isEncrypted: block.encrypted))
                }
                open = nil
            } else if open != nil {
                if line.contains(":") {
                    if line.hasPrefix("Proc-Type:"), line.contains("ENCRYPTED") { open?.encrypted = true }
                } else {
                    open?.body += line
                }
            }
        }
        return blocks
    }

    private static func marker(_ prefix: String, in line: String) -> String? {
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count > prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }
}
