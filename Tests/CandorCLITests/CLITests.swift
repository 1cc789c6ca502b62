@testable import candor
