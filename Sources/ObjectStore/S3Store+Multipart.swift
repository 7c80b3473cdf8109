import Foundation
import NIOHTTP1

extension S3Store {
    /// One uploaded part, as CompleteMultipartUpload lists it.
    struct UploadedPart: Sendable {
        var number: Int
        var etag: String
        var checksum: String
    }

    /// CreateMultipartUpload, UploadPart (at most `partParallelism` at once, each with its SHA-256 checksum),
    /// CompleteMultipartUpload; AbortMultipartUpload when anything fails, so no half-written object is left.
    ///
    /// See: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html>.
    func putMultipart(key: String, file: URL, size: UInt64, metadata: [String: String]) async throws -> ObjectInfo {
        var headers = writeHeaders(metadata: metadata)
        headers.append(("x-amz-checksum-algorithm", "SHA256"))
        let created = try await send(
            S3Request(method: .POST, key: key, query: [("uploads", "")], headers: headers),
            operation: "CreateMultipartUpload")
        guard let uploadId = S3XML.uploadId(created.body) else {
            throw ObjectStoreError.malformedResponse(
                operation: "CreateMultipartUpload", key: key, reason: "no UploadId")
        }
        logger.debug("Multipart upload started", metadata: ["s3.key": "\(key)", "s3.size": "\(size)"])
        do {
            let parts = try await uploadParts(key: key, file: file, size: size, uploadId: uploadId)
            try await complete(key: key, uploadId: uploadId, parts: parts, size: size)
        } catch {
            // The upload is unusable now; abort so its parts stop costing. If even that fails, abortIncompleteUploads
            // on the next run cleans it up.
            _ = try? await send(
                S3Request(method: .DELETE, key: key, query: [("uploadId", uploadId)]),
                operation: "AbortMultipartUpload",
                accept: [404])
            throw error
        }
        return ObjectInfo(key: key, size: size, metadata: DirectoryStore.normalized(metadata))
    }

    func uploadParts(key: String, file: URL, size: UInt64, uploadId: String) async throws -> [UploadedPart] {
        let partSize = configuration.partSize
        let count = Int((size + partSize - 1) / partSize)
        return try await withThrowingTaskGroup(of: UploadedPart.self) { group in
            var parts: [UploadedPart] = []
            var next = 0
            func startNext() {
                let number = next + 1
                let offset = UInt64(next) * partSize
                let length = Int(min(partSize, size - offset))
                next += 1
                group.addTask {
                    let bytes = try Self.read(file, offset: offset, count: length)
                    let checksum = Self.base64SHA256(bytes)
                    let response = try await self.send(
                        S3Request(
                            method: .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)],
                            headers: [("x-amz-checksum-sha256", checksum)], body: bytes),
                        operation: "UploadPart \(number)")
                    guard let etag = response.headers.first(name: "etag") else {
                        throw ObjectStoreError.malformedResponse(operation: "UploadPart", key: key, reason: "no ETag")
                    }
                    return UploadedPart(number: number, etag: etag, checksum: checksum)
                }
            }
            while next < min(count, configuration.partParallelism) { startNext() }
            while let part = try await group.next() {
                parts.append(part)
                if next < count { startNext() }
            }
            return parts.sorted { $0.number < $1.number }
        }
    }

    func complete(key: String, uploadId: String, parts: [UploadedPart], size: UInt64) async throws {
        let body =
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + parts.map {
                "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(S3XML.escape($0.etag))</ETag>"
                    + "<ChecksumSHA256>\($0.checksum)</ChecksumSHA256></Part>"
            }.joined() + "</CompleteMultipartUpload>"
        let response = try await send(
            S3Request(method: .POST, key: key, query: [("uploadId", uploadId)], body: Array(body.utf8)),
            operation: "CompleteMultipartUpload", accept: [404])
        if response.status == 404 {
            // A retry after a Complete that S3 committed but whose answer was lost finds the upload gone: the
            // object is there if it has the size we sent.
            guard try await head(key: key)?.size == size else {
                let error = S3XML.ErrorBody(response.body)
                throw ObjectStoreError.s3(
                    operation: "CompleteMultipartUpload", key: key, status: 404, code: error?.code,
                    message: error?.message, attempts: 1)
            }
            return
        }
        // S3 may answer 200 and still report an error in the body.
        if let error = S3XML.ErrorBody(response.body) {
            throw ObjectStoreError.s3(
                operation: "CompleteMultipartUpload", key: key, status: response.status, code: error.code,
                message: error.message, attempts: 1)
        }
    }

    /// Aborts every multipart upload under `prefix` (ListMultipartUploads, page by page, then AbortMultipartUpload).
    ///
    /// - Throws: `ObjectStoreError`.
    package func abortIncompleteUploads(prefix: String) async throws -> Int {
        try ObjectKey.validatePrefix(prefix)
        let fullPrefix = configuration.keyPrefix + prefix
        var aborted = 0
        var keyMarker: String?
        var uploadIdMarker: String?
        repeat {
            var query = [("uploads", ""), ("prefix", fullPrefix)]
            if let keyMarker { query.append(("key-marker", keyMarker)) }
            if let uploadIdMarker { query.append(("upload-id-marker", uploadIdMarker)) }
            let response = try await send(
                S3Request(method: .GET, bucketLevel: true, query: query), operation: "ListMultipartUploads")
            let page = try S3XML.UploadsPage(response.body, operation: "ListMultipartUploads")
            for upload in page.uploads where upload.key.hasPrefix(configuration.keyPrefix) {
                let key = String(upload.key.dropFirst(configuration.keyPrefix.count))
                _ = try await send(
                    S3Request(method: .DELETE, key: key, query: [("uploadId", upload.uploadId)]),
                    operation: "AbortMultipartUpload", accept: [404])
                aborted += 1
            }
            guard page.isTruncated, page.nextKeyMarker != nil else { break }
            keyMarker = page.nextKeyMarker
            uploadIdMarker = page.nextUploadIdMarker
        } while true
        return aborted
    }
}
