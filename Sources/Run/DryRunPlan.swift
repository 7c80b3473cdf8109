import Catalog
import Foundation
import Segments

/// What `msgarchive run --dry-run` would do; computing it changes nothing.
package struct DryRunPlan: Sendable, Codable {
    /// One log and what would be read of it.
    package struct Input: Sendable, Codable {
        package var path: String
        package var state: String
        package var bytesToRead: Int64
        enum CodingKeys: String, CodingKey {
            case path, state
            case bytesToRead = "bytes_to_read"
        }
    }

    /// One partition move: a merge into a tier, an upload, or a deletion past retention.
    package struct Move: Sendable, Codable {
        package var partition: String
        package var action: String
        package var segments: Int
        package var bytes: Int64
    }

    package var inputs: [Input] = []
    package var moves: [Move] = []
    /// Bytes the run would read from the logs, and stored bytes it would upload.
    package var bytesToRead: Int64 = 0
    package var bytesToUpload: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case inputs, moves
        case bytesToRead = "bytes_to_read"
        case bytesToUpload = "bytes_to_upload"
    }
}

extension ArchiveRun {
    /// The plan of a run against the archive as it is now. Partitions of logs not yet read are known only once
    /// read, so moves cover the archive's present segments.
    package func dryRun() throws -> DryRunPlan {
        var plan = DryRunPlan()
        for input in try planInputs().inputs {
            plan.inputs.append(.init(path: input.url.path, state: "\(input.kind)", bytesToRead: input.bytesToRead))
            plan.bytesToRead += input.bytesToRead
        }
        let expired = try expiredSegments()
        for (partition, rows) in Dictionary(grouping: expired, by: \.partition).sorted(by: { $0.key < $1.key }) {
            plan.moves.append(
                .init(
                    partition: partition, action: "delete (retention)", segments: rows.count,
                    bytes: rows.reduce(0) { $0 + $1.storedBytes }))
        }
        let merges = try merges()
        for merge in merges {
            let days =
                merge.days.count > 1
                ? " with \(merge.days.count - 1) more small days"
                : merge.lastDay != merge.days[0].partition ? " whole, with its days to \(merge.lastDay)" : ""
            plan.moves.append(
                .init(
                    partition: merge.days[0].partition, action: "merge into \(merge.target)\(days)",
                    segments: merge.segments.count, bytes: merge.segments.reduce(0) { $0 + $1.rawBytes }))
        }
        // What is cold, or merged into cold, goes up; a small day waiting for its month stays.
        let goingCold = Set(merges.filter { $0.target == .cold }.flatMap { $0.segments.map(\.name) })
        let byPartition = Dictionary(grouping: try catalog.segments(), by: \.partition)
        for (partition, rows) in byPartition.sorted(by: { $0.key < $1.key }) where tier(of: partition) == .cold {
            let local = rows.filter { $0.state == .local && ($0.tier == .cold || goingCold.contains($0.name)) }
            guard !local.isEmpty else { continue }
            let bytes = local.reduce(Int64(0)) { $0 + $1.storedBytes }
            plan.moves.append(
                .init(partition: partition, action: "upload to cold store", segments: local.count, bytes: bytes))
            plan.bytesToUpload += bytes
        }
        return plan
    }
}
