import Testing
@testable import Segments
