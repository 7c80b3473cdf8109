import Testing
@testable import msgarchive
