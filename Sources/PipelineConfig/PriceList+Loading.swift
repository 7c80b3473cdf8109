import Foundation
import Ledger
import Yams

extension PriceList {
    /// Reads a price list (`pipelines/prices.example.yaml` shows the format).
    /// - Throws: `PipelineConfigError.unreadable` or `.badPriceList` naming the file and what is wrong.
    package static func load(from url: URL) throws -> PriceList {
        let text = try ConfigPaths.text(of: url)
        do {
            let list = try YAMLDecoder().decode(PriceList.self, from: text)
            guard !list.offers.isEmpty else {
                throw PipelineConfigError.badPriceList(file: url.path, problem: "'providers' lists none")
            }
            return list
        } catch let error as PipelineConfigError {
            throw error
        } catch {
            throw PipelineConfigError.badPriceList(
                file: url.path,
                problem: "\(error); each provider needs name, currency, storage, put_per_1000, get_per_1000, "
                    + "retrieval_per_gib, min_storage_days, as_of and url")
        }
    }
}
