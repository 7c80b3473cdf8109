import Testing
@testable import Dedup
