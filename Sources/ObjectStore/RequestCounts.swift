import Ledger
import Synchronization

/// Counts the requests of one store as they are sent; shared by every task using the store.
final class RequestCounter: Sendable {
    private let counts = Mutex(RequestFigures())

    /// What was counted so far.
    var current: RequestFigures { counts.withLock { $0 } }

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
