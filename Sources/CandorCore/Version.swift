public enum CandorVersion { public static let current = "0.1.0" }
