import Testing
@testable import SigV4
