import Synchronization

/// Requests a store has sent, by the kind providers bill them as; every attempt counts, retries included.
///
/// S3-compatible providers bill PUT, COPY, POST and LIST at one rate and GET and HEAD at another, per 1,000;
/// DELETE is free at most of them but counted all the same. `retrievedBytes` is the body bytes of object GETs
/// that came back complete: what a cold class charges retrieval on.
package struct RequestCounts: Sendable, Equatable {
    /// PUT, COPY, POST and LIST requests (multipart initiate, part uploads, complete and abort included).
    package var put = 0
    /// GET and HEAD requests on objects.
    package var get = 0
    /// DELETE requests.
    package var delete = 0
    /// Bytes of object bodies read by GET.
    package var retrievedBytes: Int64 = 0

    /// No request.
    package init(put: Int = 0, get: Int = 0, delete: Int = 0, retrievedBytes: Int64 = 0) {
        self.put = put
        self.get = get
        self.delete = delete
        self.retrievedBytes = retrievedBytes
    }

    /// Exact sum.
    package static func + (lhs: RequestCounts, rhs: RequestCounts) -> RequestCounts {
        RequestCounts(
            put: lhs.put + rhs.put, get: lhs.get + rhs.get, delete: lhs.delete + rhs.delete,
            retrievedBytes: lhs.retrievedBytes + rhs.retrievedBytes)
    }
}

/// Counts the requests of one store as they are sent; shared by every task using the store.
final class RequestCounter: Sendable {
    private let counts = Mutex(RequestCounts())

    /// What was counted so far.
    var current: RequestCounts { counts.withLock { $0 } }

    /// Counts one attempt of `request`; a GET of no key (the bucket's listings) is a LIST.
    func count(_ request: S3Request) {
        counts.withLock { counts in
            switch request.method {
            case .GET where request.key == nil || request.bucketLevel: counts.put += 1
            case .GET, .HEAD: counts.get += 1
            case .DELETE: counts.delete += 1
            default: counts.put += 1
            }
        }
    }

    /// Adds the body bytes of an object GET that succeeded.
    func retrieved(_ bytes: Int) {
        counts.withLock { $0.retrievedBytes += Int64(bytes) }
    }
}
