import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The few S3 XML documents the store reads, parsed with `XMLParser` into element texts.
enum S3XML {
    /// Collects, for each element path like `ListBucketResult/Contents/Key`, its texts in document order, and
    /// for repeated records (`Contents`, `Upload`, `Part`) one dictionary of child texts each.
    final class Collector: NSObject, XMLParserDelegate {
        let recordName: String?
        var stack: [String] = []
        var text = ""
        var values: [String: [String]] = [:]
        var records: [[String: String]] = []
        var current: [String: String]?

        init(recordName: String?) {
            self.recordName = recordName
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            stack.append(name)
            text = ""
            if name == recordName { current = [:] }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            values[stack.joined(separator: "/"), default: []].append(text)
            if name == recordName, let record = current {
                records.append(record)
                current = nil
            } else if current != nil, stack.count >= 2, stack[stack.count - 2] == recordName {
                current?[name] = text
            }
            stack.removeLast()
            text = ""
        }

        func first(_ path: String) -> String? { values[path]?.first }
    }

    static func parse(_ body: [UInt8], record: String?) -> Collector? {
        let collector = Collector(recordName: record)
        let parser = XMLParser(data: Data(body))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    /// `<Error><Code>..</Code><Message>..</Message></Error>`.
    struct ErrorBody {
        var code: String?
        var message: String?

        init?(_ body: [UInt8]) {
            guard !body.isEmpty, let xml = parse(body, record: nil), let code = xml.first("Error/Code") else {
                return nil
            }
            self.code = code
            self.message = xml.first("Error/Message")
        }
    }

    /// One page of ListObjectsV2.
    struct ListPage {
        var objects: [(key: String, size: UInt64)] = []
        var isTruncated = false
        var nextToken: String?

        init(_ body: [UInt8], operation: String) throws {
            guard let xml = parse(body, record: "Contents"), xml.values["ListBucketResult"] != nil else {
                throw ObjectStoreError.malformedResponse(operation: operation, key: nil, reason: "no ListBucketResult")
            }
            for record in xml.records {
                guard let key = record["Key"], let size = record["Size"].flatMap(UInt64.init) else { continue }
                objects.append((key, size))
            }
            isTruncated = xml.first("ListBucketResult/IsTruncated") == "true"
            nextToken = xml.first("ListBucketResult/NextContinuationToken")
        }
    }

    /// One page of ListMultipartUploads.
    struct UploadsPage {
        var uploads: [(key: String, uploadId: String)] = []
        var isTruncated = false
        var nextKeyMarker: String?
        var nextUploadIdMarker: String?

        init(_ body: [UInt8], operation: String) throws {
            guard let xml = parse(body, record: "Upload"), xml.values["ListMultipartUploadsResult"] != nil else {
                throw ObjectStoreError.malformedResponse(
                    operation: operation, key: nil, reason: "no ListMultipartUploadsResult")
            }
            for record in xml.records {
                guard let key = record["Key"], let id = record["UploadId"] else { continue }
                uploads.append((key, id))
            }
            isTruncated = xml.first("ListMultipartUploadsResult/IsTruncated") == "true"
            nextKeyMarker = xml.first("ListMultipartUploadsResult/NextKeyMarker")
            nextUploadIdMarker = xml.first("ListMultipartUploadsResult/NextUploadIdMarker")
        }
    }

    /// The `UploadId` of CreateMultipartUpload.
    static func uploadId(_ body: [UInt8]) -> String? {
        parse(body, record: nil)?.first("InitiateMultipartUploadResult/UploadId")
    }

    /// Escapes text for an XML element body.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
